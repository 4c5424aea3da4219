import { z } from 'zod'
import { parseIpfsPath } from '../../../core/content/cid.ts'
import { InvalidRangeError, NotAFileError } from '../../../core/errors/index.ts'
import { asText, concatBytes, encodeBase64, utf8PrefixLength } from '../bytes.ts'
import { mediaTypeOf } from '../media-type.ts'
import { guarded, toolResult } from '../tool-result.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { ToolContent } from '../tool-result.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

const KiB = 1024

function describeBytes (n: number): string {
  return n >= KiB * KiB ? `${(n / KiB / KiB).toFixed(n % (KiB * KiB) === 0 ? 0 : 1)} MiB` : n >= KiB ? `${(n / KiB).toFixed(n % KiB === 0 ? 0 : 1)} KiB` : `${n} bytes`
}

/** `cid` or `cid/path`, normalised, with the CID validated (`ERR_INVALID_CID`). */
export function targetOf (input: string): { target: string, path: string } {
  const { cid, path } = parseIpfsPath(input)
  return { target: path === '' ? cid.toString() : `${cid.toString()}/${path}`, path }
}

const outputSchema = z.object({
  cid: z.string().describe('what was read: a CID or `<cid>/path`'),
  size: z.number().describe('total file size in bytes'),
  offset: z.number().describe('first byte returned'),
  length: z.number().describe('bytes returned by this call'),
  encoding: z.enum(['utf-8', 'base64']).describe('utf-8: the bytes are in a text content item; base64: in an embedded resource blob'),
  mimeType: z.string().describe('media type, from the file name or the first bytes'),
  truncated: z.boolean().describe('true when the read stopped at the per-call limit before the range asked for'),
  nextOffset: z.number().optional().describe('when truncated: the offset to pass to the next ipfs_cat call')
})

/** Read `[offset, offset + length)` of a file into memory (the caller bounds `length`). */
async function readRange (ctx: McpToolContext, target: string, offset: number, length: number, signal: AbortSignal): Promise<Uint8Array> {
  if (length === 0) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of ctx.service.cat(target, { offset, length, signal })) {
    chunks.push(chunk)
    total += chunk.byteLength
  }
  return concatBytes(chunks, total)
}

function registerCat (server: McpServer, ctx: McpToolContext): void {
  const limit = ctx.maxInlineBytes
  server.registerTool('ipfs_cat', {
    title: 'Read a file',
    description: `Read a file's bytes by CID (or \`<cid>/path\` inside a directory), verified against the CID. UTF-8 text comes back as text; binary data as an embedded resource with a base64 blob. At most ${describeBytes(limit)} per call: a bigger file is returned one page at a time, with \`nextOffset\` to pass as \`offset\` in the next call; use \`offset\`/\`length\` to read a chosen range.`,
    inputSchema: z.object({
      cid: z.string().min(1).describe('CID of a file, or `<cid>/path/inside/a/directory`'),
      offset: z.number().int().min(0).optional().describe('first byte to read (default 0)'),
      length: z.number().int().min(1).optional().describe(`bytes to read (default: to the end of the file; at most ${limit} are returned per call)`),
      encoding: z.enum(['auto', 'text', 'base64']).optional()
        .describe('auto (default): text when the bytes are UTF-8 text, otherwise a base64 blob; text: always decode as UTF-8 (invalid bytes become U+FFFD); base64: always a blob')
    }),
    outputSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('ipfs_cat', async (args, extra: ToolExtra) => {
    const { target, path } = targetOf(args.cid)
    const stat = await ctx.service.stat(target, { signal: extra.signal })
    if (stat.type === 'directory') throw new NotAFileError(`${target} is a directory: list it with ipfs_ls`)
    const offset = args.offset ?? 0
    if (offset > stat.size) throw new InvalidRangeError(`offset ${offset} is past the end of the file (${stat.size} bytes)`)
    const wanted = Math.min(args.length ?? stat.size - offset, stat.size - offset)
    const take = Math.min(wanted, limit)
    let bytes = await readRange(ctx, target, offset, take, extra.signal)
    let text: string | undefined
    const encoding = args.encoding ?? 'auto'
    if (encoding !== 'base64') {
      // a page cut at the limit may end inside a character: stop before it, the next page starts with it
      const usable = take < wanted ? bytes.subarray(0, utf8PrefixLength(bytes)) : bytes
      text = encoding === 'text' ? new TextDecoder().decode(usable) : asText(usable)
      if (text !== undefined) bytes = usable
    }
    const returned = bytes.byteLength
    const nextOffset = returned < wanted ? offset + returned : undefined
    const mimeType = mediaTypeOf(bytes, text !== undefined, path)
    const content: ToolContent[] = text !== undefined
      ? [{ type: 'text', text }]
      : [{ type: 'resource', resource: { uri: `ipfs://${target}`, mimeType, blob: encodeBase64(bytes) } }]
    if (nextOffset !== undefined) {
      content.push({ type: 'text', text: `[ipfs_cat: returned bytes ${offset}-${offset + returned - 1} of ${stat.size} (${describeBytes(stat.size)}); at most ${describeBytes(limit)} are returned per call. Call ipfs_cat again with offset=${nextOffset} to continue, or pass offset/length to read another range.]` })
    } else if (text === undefined) {
      content.push({ type: 'text', text: `[ipfs_cat: ${returned} bytes of ${mimeType} returned as a base64 blob]` })
    }
    return toolResult({ cid: target, size: stat.size, offset, length: returned, encoding: text !== undefined ? 'utf-8' : 'base64', mimeType, truncated: nextOffset !== undefined, nextOffset }, content)
  }, ctx.onUnexpectedError))
}

/** `ipfs_cat`: reading files (`ipfs_ls` and `ipfs_stat` are operations, node-relay/operations/content). */
export function registerReadTools (server: McpServer, ctx: McpToolContext): void {
  registerCat(server, ctx)
}
