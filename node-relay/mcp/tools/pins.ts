import { z } from 'zod'
import { parseCid } from '../../../core/content/cid.ts'
import { guarded, toolResult } from '../tool-result.ts'
import type { PinInfo } from '../../../core/service/types.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

const pinSchema = z.object({
  cid: z.string().describe('the pinned CID'),
  name: z.string().describe('name given at pin time (empty when none)'),
  recursive: z.boolean().describe('true: the whole DAG is kept; false: only the root block'),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('extra metadata recorded on the pin')
})

/** A pin as tools show it (JSON has no Infinity: depth becomes `recursive`). */
function pinJson (pin: PinInfo): z.infer<typeof pinSchema> {
  return { cid: pin.cid.toString(), name: pin.name, recursive: pin.depth === Infinity, metadata: pin.metadata }
}

/** `pin_add`, `pin_rm`, `pin_ls`. */
export function registerPinTools (server: McpServer, ctx: McpToolContext): void {
  server.registerTool('pin_add', {
    title: 'Pin content',
    description: 'Pin a CID so its blocks are kept: every missing block is fetched from peers first, and the pin is recorded only once all are held. Pinning again updates the name and metadata.',
    inputSchema: z.object({
      cid: z.string().min(1).describe('CID to pin'),
      name: z.string().max(255).optional().describe('a human name for the pin'),
      metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('extra key/value metadata to record on the pin'),
      recursive: z.boolean().optional().describe('pin the whole DAG (default true) or only the root block (false)')
    }),
    outputSchema: pinSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('pin_add', async (args, extra: ToolExtra) => {
    const pin = await ctx.service.pinAdd(parseCid(args.cid), { name: args.name, metadata: args.metadata, recursive: args.recursive, signal: extra.signal })
    return toolResult(pinJson(pin))
  }, ctx.onUnexpectedError))

  server.registerTool('pin_rm', {
    title: 'Unpin content',
    description: 'Remove the pin on a CID, so its blocks may be garbage-collected. ERR_NOT_FOUND when the CID is not pinned.',
    inputSchema: z.object({ cid: z.string().min(1).describe('pinned CID to unpin') }),
    outputSchema: z.object({ cid: z.string().describe('the CID unpinned'), removed: z.boolean().describe('always true on success') }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false }
  }, guarded('pin_rm', async (args, extra: ToolExtra) => {
    const cid = parseCid(args.cid)
    await ctx.service.pinRm(cid, { signal: extra.signal })
    return toolResult({ cid: cid.toString(), removed: true })
  }, ctx.onUnexpectedError))

  server.registerTool('pin_ls', {
    title: 'List pins',
    description: 'List pinned CIDs with their names and metadata, or the pin on one CID (an empty list when it is not pinned).',
    inputSchema: z.object({
      cid: z.string().min(1).optional().describe('only the pin on this CID'),
      limit: z.number().int().min(1).max(10_000).optional().describe('most pins to return (default 1000)')
    }),
    outputSchema: z.object({
      pins: z.array(pinSchema).describe('the pins'),
      truncated: z.boolean().describe('true when there are more pins than `limit`')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('pin_ls', async (args, extra: ToolExtra) => {
    const limit = args.limit ?? 1000
    const pins: Array<z.infer<typeof pinSchema>> = []
    let truncated = false
    for await (const pin of ctx.service.pinLs({ cid: args.cid === undefined ? undefined : parseCid(args.cid), signal: extra.signal })) {
      if (pins.length === limit) {
        truncated = true
        break
      }
      pins.push(pinJson(pin))
    }
    return toolResult({ pins, truncated })
  }, ctx.onUnexpectedError))
}
