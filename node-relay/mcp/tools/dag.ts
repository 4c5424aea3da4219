import { CID } from 'multiformats/cid'
import { z } from 'zod'
import { parseIpfsPath } from '../../../core/content/cid.ts'
import { InvalidInputError, NotFoundError } from '../../../core/errors/index.ts'
import { CODEC_CODES, codecName, decodeBlock, encodeValue, fromJsonValue, toJsonValue } from '../codecs.ts'
import { TooLargeError, guarded, toolResult } from '../tool-result.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

/** Blocks a path may cross at most (each hop is a fetch). */
const MAX_PATH_SEGMENTS = 256

/** One step down a decoded value: a list index or a map key (own properties only). */
function step (value: unknown, segment: string, where: string): unknown {
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(segment) ? Number(segment) : -1
    if (index < 0 || index >= value.length) throw new NotFoundError(`no index "${segment}" in the list at ${where}`)
    return value[index] as unknown
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && Object.hasOwn(value, segment)) {
    const inner = (value as Record<string, unknown>)[segment]
    if (inner !== undefined) return inner
  }
  throw new NotFoundError(`no field "${segment}" at ${where}`)
}

/**
 * Resolve `path` from the block `root`, following links into other blocks as it goes. A link reached at the end of
 * the path is returned as a link, not followed.
 */
async function resolve (ctx: McpToolContext, root: CID, path: string[], signal: AbortSignal): Promise<{ cid: CID, value: unknown }> {
  let cid = root
  let value = decodeBlock(cid, await ctx.service.blockGet(cid, { signal }))
  let where = cid.toString()
  for (const segment of path) {
    const link = CID.asCID(value)
    if (link !== null) {
      cid = link
      value = decodeBlock(cid, await ctx.service.blockGet(cid, { signal }))
    }
    value = step(value, segment, where)
    where = `${where}/${segment}`
  }
  return { cid, value }
}

/** `dag_get`, `dag_put`: IPLD blocks as JSON. */
export function registerDagTools (server: McpServer, ctx: McpToolContext): void {
  server.registerTool('dag_get', {
    title: 'Read an IPLD node as JSON',
    description: 'Decode a block (dag-cbor, dag-json, dag-pb, json or raw) to JSON in DAG-JSON form: links are {"/": "<cid>"}, bytes are {"/": {"bytes": "<base64>"}}. A `path` walks into the value and follows links across blocks, e.g. `Links/0/Hash` on dag-pb.',
    inputSchema: z.object({
      cid: z.string().min(1).describe('CID of the block, optionally followed by a path: `<cid>/a/0/b`'),
      path: z.string().optional().describe('path inside the value, `/`-separated (map keys and list indexes); links on the way are followed')
    }),
    outputSchema: z.object({
      cid: z.string().describe('CID of the block the value was read from (after following links)'),
      codec: z.string().describe('codec of that block'),
      path: z.string().describe('the path resolved ("" for the whole block)'),
      value: z.unknown().describe('the value, as DAG-JSON-style JSON')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('dag_get', async (args, extra: ToolExtra) => {
    const { cid: root, path: inCid } = parseIpfsPath(args.cid)
    const segments = [inCid, args.path ?? ''].join('/').split('/').filter(s => s.length > 0)
    if (segments.length > MAX_PATH_SEGMENTS) throw new InvalidInputError(`path has more than ${MAX_PATH_SEGMENTS} segments`)
    const { cid, value } = await resolve(ctx, root, segments, extra.signal)
    const json = toJsonValue(value)
    const text = JSON.stringify(json, null, 2)
    if (text.length > ctx.maxInlineBytes) throw new TooLargeError(`the JSON of ${cid.toString()} is ${text.length} characters, over the ${ctx.maxInlineBytes} inline limit; pass a \`path\` to read part of it`)
    return toolResult({ cid: cid.toString(), codec: codecName(cid.code), path: segments.join('/'), value: json }, [{ type: 'text', text }])
  }, ctx.onUnexpectedError))

  server.registerTool('dag_put', {
    title: 'Store JSON as an IPLD node',
    description: 'Encode a JSON value as a dag-cbor (default) or dag-json block, store it and return its CID. Use {"/": "<cid>"} for links to other blocks and {"/": {"bytes": "<base64>"}} for bytes.',
    inputSchema: z.object({
      value: z.unknown().describe('the JSON value to store (DAG-JSON conventions for links and bytes)'),
      codec: z.enum(['dag-cbor', 'dag-json']).optional().describe('block encoding (default dag-cbor)'),
      pin: z.boolean().optional().describe('pin the new block and everything it links to (default false; every linked block must then be available)')
    }),
    outputSchema: z.object({
      cid: z.string().describe('CID of the stored block'),
      size: z.number().describe('block size in bytes'),
      codec: z.string().describe('its codec'),
      pinned: z.boolean().describe('whether it was pinned')
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('dag_put', async (args, extra: ToolExtra) => {
    if (args.value === undefined) throw new InvalidInputError('`value` is required')
    const codec = args.codec ?? 'dag-cbor'
    const bytes = encodeValue(fromJsonValue(args.value), codec)
    const stat = await ctx.service.blockPut(bytes, { codec: CODEC_CODES[codec], signal: extra.signal })
    if (args.pin === true) await ctx.service.pinAdd(stat.cid, { signal: extra.signal })
    return toolResult({ cid: stat.cid.toString(), size: stat.size, codec, pinned: args.pin === true })
  }, ctx.onUnexpectedError))
}
