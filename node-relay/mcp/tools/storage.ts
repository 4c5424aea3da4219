import { z } from 'zod'
import { parseCid } from '../../../core/content/cid.ts'
import { guarded, toolResult } from '../tool-result.ts'
import type { BackendReport, StorageBackend, StorageManager } from '../../../core/storage/index.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

const errorSchema = z.object({ code: z.string().describe('stable error code, e.g. ERR_BACKEND_UNAVAILABLE'), message: z.string().describe('what went wrong') })

const backendSchema = z.object({
  name: z.string().describe('backend instance name, used in storage_put `to` and storage_get `from`'),
  kind: z.string().describe('local, ipfs, s3, gateway, huggingface or storacha'),
  layout: z.enum(['car', 'blocks']).describe('car: one CAR object per DAG; blocks: one entry per block'),
  capabilities: z.object({
    read: z.boolean().describe('can read content'),
    write: z.boolean().describe('can store content (false for gateways)'),
    delete: z.boolean().describe('can delete content'),
    list: z.boolean().describe('can list what it holds'),
    streaming: z.boolean().describe('streams blocks while downloading')
  }).describe('what the backend can do'),
  cost: z.object({
    storageUsdPerGbMonth: z.number().describe('storage price, USD per GB-month'),
    egressUsdPerGb: z.number().describe('egress price, USD per GB read'),
    latencyMs: z.number().describe('typical time to first byte, ms')
  }).describe('cost and latency profile used for placement and read order')
})

const statusSchema = z.object({
  healthy: z.boolean().describe('the backend answered a probe just now'),
  latencyMs: z.number().describe('how long the probe took, ms'),
  checkedAt: z.string().describe('when the probe ran (ISO 8601)'),
  error: errorSchema.optional().describe('why it is unhealthy'),
  endpoints: z.array(z.object({
    url: z.string().describe('endpoint base URL'),
    healthy: z.boolean().describe('answered the probe'),
    latencyMs: z.number().optional().describe('measured latency, ms'),
    markedUntil: z.string().optional().describe('tried last until then: it served corrupt bytes'),
    error: errorSchema.optional().describe('its last failure')
  })).optional().describe('per-endpoint health for backends with several (gateways)')
})

function describeBackend (backend: StorageBackend): z.infer<typeof backendSchema> {
  return { name: backend.name, kind: backend.kind, layout: backend.layout, capabilities: { ...backend.capabilities }, cost: { ...backend.cost } }
}

function reportJson (report: BackendReport): z.infer<typeof backendSchema> & { status: z.infer<typeof statusSchema> } {
  const { status } = report
  return {
    name: report.name,
    kind: report.kind,
    layout: report.layout === 'car' ? 'car' : 'blocks',
    capabilities: { ...report.capabilities },
    cost: { ...report.cost },
    status: {
      healthy: status.healthy,
      latencyMs: status.latencyMs,
      checkedAt: status.checkedAt,
      ...(status.error === undefined ? {} : { error: status.error }),
      ...(status.endpoints === undefined ? {} : { endpoints: status.endpoints })
    }
  }
}

/** `backend_list`, `backend_status`, `storage_put`, `storage_get` over the relay's storage manager. */
export function registerStorageTools (server: McpServer, ctx: McpToolContext, storage: StorageManager): void {
  server.registerTool('backend_list', {
    title: 'List storage backends',
    description: 'The storage backends this node can place content on or read it from (local disk, the IPFS network, S3, Hugging Face, Storacha, trustless gateways), with what each can do and what it costs. Does not probe them: use backend_status for health.',
    inputSchema: z.object({}),
    outputSchema: z.object({ backends: z.array(backendSchema).describe('every configured backend, local first') }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('backend_list', async () => toolResult({ backends: storage.list().map(describeBackend) }), ctx.onUnexpectedError))

  server.registerTool('backend_status', {
    title: 'Check storage backend health',
    description: 'Probe one backend (or all) now: healthy or not, measured latency, the error code when down (ERR_BACKEND_UNAVAILABLE), and per-gateway health. ERR_NOT_FOUND for an unknown name.',
    inputSchema: z.object({ name: z.string().min(1).optional().describe('backend to probe; all when omitted') }),
    outputSchema: z.object({ backends: z.array(backendSchema.extend({ status: statusSchema.describe('result of the probe') })).describe('the probed backends') }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('backend_status', async (args, extra: ToolExtra) => {
    const reports = args.name === undefined
      ? await storage.status({ signal: extra.signal })
      : [await storage.report(storage.backend(args.name), { signal: extra.signal })]
    return toolResult({ backends: reports.map(reportJson) })
  }, ctx.onUnexpectedError))

  server.registerTool('storage_put', {
    title: 'Place copies of content on backends',
    description: 'Keep content on storage backends: stores the DAG under a CID locally (fetching missing blocks from peers), then places a copy on each backend in `to` (or the configured placement policy). Returns one entry per placement; a failed one carries its error code and is not recorded. Placing again is harmless.',
    inputSchema: z.object({
      cid: z.string().min(1).describe('root CID of the content to place'),
      to: z.array(z.string().min(1)).optional().describe('backend names (see backend_list); default: the placement policy')
    }),
    outputSchema: z.object({
      cid: z.string().describe('the root CID'),
      placements: z.array(z.object({
        backend: z.string().describe('backend name'),
        ok: z.boolean().describe('the copy is stored and recorded'),
        locator: z.string().optional().describe('where the copy lives, e.g. s3://bucket/ipfs/<cid>.car'),
        size: z.number().optional().describe('bytes stored'),
        error: errorSchema.optional().describe('why the placement failed')
      })).describe('the local copy first, then one entry per chosen backend')
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('storage_put', async (args, extra: ToolExtra) => {
    const report = await storage.put(parseCid(args.cid), { source: ctx.service.content.blocks, signal: extra.signal, ...(args.to === undefined ? {} : { to: args.to }) })
    return toolResult({ cid: report.cid, placements: report.placements })
  }, ctx.onUnexpectedError))

  server.registerTool('storage_get', {
    title: 'Fetch content from backends',
    description: 'Read the DAG under a CID from the best backend (local first, then copies by latency and cost, then gateways) or from `from`, verifying every block against its CID, and keep it locally so ipfs_cat/ipfs_ls can read it. A copy that fails verification is skipped and marked. ERR_NOT_FOUND when no backend has it; ERR_BLOCK_CORRUPT when the only copies found were corrupt.',
    inputSchema: z.object({
      cid: z.string().min(1).describe('root CID to fetch'),
      from: z.string().min(1).optional().describe('read only from this backend (no fallback)')
    }),
    outputSchema: z.object({
      cid: z.string().describe('the root CID'),
      servedBy: z.string().describe('the backend that delivered the whole DAG'),
      blocks: z.number().describe('blocks read and verified'),
      bytes: z.number().describe('bytes of those blocks')
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('storage_get', async (args, extra: ToolExtra) => {
    const cid = parseCid(args.cid)
    let servedBy = ''
    let blocks = 0
    let bytes = 0
    const options = { signal: extra.signal, onServed: (name: string) => { servedBy = name }, ...(args.from === undefined ? {} : { from: args.from }) }
    for await (const block of storage.get(cid, options)) {
      if (!await ctx.service.content.hasBlock(block.cid, { signal: extra.signal })) await ctx.service.content.putBlock(block.cid, block.bytes, { signal: extra.signal })
      blocks++
      bytes += block.bytes.byteLength
    }
    return toolResult({ cid: cid.toString(), servedBy, blocks, bytes })
  }, ctx.onUnexpectedError))
}
