import { z } from 'zod'
import { parseCid } from '../../../core/content/cid.ts'
import { decodeBase64, encodeBase64 } from '../bytes.ts'
import { CODEC_CODES, codecName } from '../codecs.ts'
import { TooLargeError, guarded, toolResult } from '../tool-result.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

const codecNames = Object.keys(CODEC_CODES) as [keyof typeof CODEC_CODES, ...Array<keyof typeof CODEC_CODES>]

const blockStatSchema = z.object({
  cid: z.string().describe('the block\'s CID'),
  size: z.number().describe('its size in bytes'),
  codec: z.string().describe('its IPLD codec (raw, dag-pb, dag-cbor, dag-json, json, or a hex code)')
})

/** `block_get`, `block_put`, `block_stat`: raw blocks, always verified against their CID. */
export function registerBlockTools (server: McpServer, ctx: McpToolContext): void {
  server.registerTool('block_get', {
    title: 'Read a block',
    description: `Read one raw block by CID, verified against it, as a base64 blob (at most ${ctx.maxInlineBytes} bytes). To see a structured block as JSON use dag_get; to read a file use ipfs_cat.`,
    inputSchema: z.object({ cid: z.string().min(1).describe('CID of the block') }),
    outputSchema: blockStatSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('block_get', async (args, extra: ToolExtra) => {
    const cid = parseCid(args.cid)
    const bytes = await ctx.service.blockGet(cid, { signal: extra.signal })
    if (bytes.byteLength > ctx.maxInlineBytes) throw new TooLargeError(`block ${cid.toString()} is ${bytes.byteLength} bytes, over the ${ctx.maxInlineBytes}-byte inline limit; read file content with ipfs_cat (offset/length) instead`)
    return toolResult({ cid: cid.toString(), size: bytes.byteLength, codec: codecName(cid.code) }, [
      { type: 'resource', resource: { uri: `ipfs://${cid.toString()}`, mimeType: 'application/vnd.ipld.raw', blob: encodeBase64(bytes) } }
    ])
  }, ctx.onUnexpectedError))

  server.registerTool('block_put', {
    title: 'Store a block',
    description: 'Store one raw block. With `cid`, the bytes are verified against it (ERR_BLOCK_CORRUPT when they do not match); without, a CIDv1 (sha2-256) is made with `codec`. Blocks over the size limit (2 MiB by default) are refused.',
    inputSchema: z.object({
      base64: z.string().describe('the block\'s bytes, base64-encoded'),
      cid: z.string().min(1).optional().describe('the CID the bytes must hash to'),
      codec: z.enum(codecNames).optional().describe('codec of the new CID when `cid` is not given (default raw)')
    }),
    outputSchema: blockStatSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('block_put', async (args, extra: ToolExtra) => {
    const bytes = decodeBase64(args.base64, 'base64')
    const cid = args.cid === undefined ? undefined : parseCid(args.cid)
    const stat = await ctx.service.blockPut(bytes, { cid, codec: args.codec === undefined ? undefined : CODEC_CODES[args.codec], signal: extra.signal })
    return toolResult({ cid: stat.cid.toString(), size: stat.size, codec: codecName(stat.cid.code) })
  }, ctx.onUnexpectedError))
}
