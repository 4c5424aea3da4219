/**
 * @packageDocumentation
 *
 * How MCP carries the bytes of download and upload operations (node-relay/operations): JSON-RPC has no byte stream,
 * so a download comes back inline (UTF-8 text or a base64 blob) up to `mcp.maxInlineBytes`, a ranged one a page at a
 * time with the offset of the next, and a bigger one is refused with the REST URL to download it from (or, on a
 * local server, written to a new file); an upload arrives as `text`, `base64`, `files`, or a local `path`.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import { InvalidInputError } from '../../core/errors/index.ts'
import { formatBytes } from '../../core/format/bytes.ts'
import { collectUploadFiles } from '../cli/local-files.ts'
import { parseInput } from '../operations/input.ts'
import { restPathOf } from '../operations/rest-path.ts'
import { asText, collectLimited, decodeBase64, encodeBase64, utf8PrefixLength } from './bytes.ts'
import { mediaTypeOf } from './media-type.ts'
import { toolResult } from './tool-result.ts'
import type { AddEntry } from '../../core/content/types.ts'
import type { DownloadOperation, OperationComponents, RunOptions, Upload, UploadOperation } from '../operations/operation.ts'
import type { ToolContent } from './tool-result.ts'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

/** What the MCP transport allows: inline size, local files (stdio only), and where the REST API is. */
export interface McpByteSurface {
  maxInlineBytes: number
  /** Tools may read and write files on this machine (`path`): only when the server runs locally over stdio. */
  localFiles: boolean
  /** The relay's HTTP base URL, to point at downloads too big to inline. */
  httpUrl?: string
}

/** The REST URL of a download, for content too big to inline. */
function restUrlOf (op: DownloadOperation, input: Record<string, unknown>, surface: McpByteSurface): string {
  const { path, rest } = restPathOf(op, input)
  const query = new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)])).toString()
  return `${surface.httpUrl ?? ''}${path}${query === '' ? '' : `?${query}`}`
}

/** A download's input and output schemas as MCP offers them. */
export function downloadSchemas (op: DownloadOperation, surface: McpByteSurface): { input: z.ZodObject, output: z.ZodObject } {
  const ranged = op.ranged === true
  const input = ranged
    ? op.input.extend({
      encoding: z.enum(['auto', 'text', 'base64']).optional()
        .describe('auto (default): text when the bytes are UTF-8 text, otherwise a base64 blob; text: always decode as UTF-8 (invalid bytes become U+FFFD); base64: always a blob')
    })
    : surface.localFiles
      ? op.input.extend({ path: z.string().min(1).optional().describe('write the bytes to this new local file instead of returning them (any size)') })
      : op.input
  const output = op.output.extend({
    mimeType: z.string().describe('media type of the bytes'),
    encoding: z.enum(['utf-8', 'base64']).optional().describe('utf-8: the bytes are in a text content item; base64: in an embedded resource blob'),
    ...(ranged
      ? {
          truncated: z.boolean().describe('true when the answer stopped at the per-call limit before the range asked for'),
          nextOffset: z.number().optional().describe(`when truncated: the offset to pass to the next ${op.name} call`)
        }
      : {
          bytes: z.number().describe('bytes returned (or written to `path`)'),
          path: z.string().optional().describe('the file written, when `path` was given')
        })
  })
  return { input, output }
}

/** Stream a download to a new file (never over an existing one); a failed one leaves no partial file. */
async function writeNewFile (body: AsyncIterable<Uint8Array>, path: string, signal: AbortSignal): Promise<number> {
  let bytes = 0
  const counted = async function * (): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      bytes += chunk.byteLength
      yield chunk
    }
  }
  try {
    await pipeline(Readable.from(counted()), createWriteStream(path, { flags: 'wx' }), { signal })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new InvalidInputError(`${path} already exists; choose a new file name`, { cause: err })
    await rm(path, { force: true })
    throw err
  }
  return bytes
}

/** Run a download for MCP: inline (a page at a time when ranged), or to a local file. */
export async function callDownload (op: DownloadOperation, components: OperationComponents, args: Record<string, unknown>, options: RunOptions, surface: McpByteSurface): Promise<CallToolResult> {
  const { encoding, path, ...rest } = args as { encoding?: 'auto' | 'text' | 'base64', path?: string }
  if (path !== undefined && !surface.localFiles) throw new InvalidInputError('`path` is only accepted when the MCP server runs on this machine (stdio)')
  const input = parseInput(op, rest, false)
  const cid = typeof input.cid === 'string' ? input.cid : ''
  const limit = surface.maxInlineBytes
  if (op.ranged !== true) {
    const download = await op.open(components, input, options)
    if (path !== undefined) {
      const bytes = await writeNewFile(download.body, path, options.signal)
      return toolResult({ ...download.output, mimeType: download.mediaType, bytes, path })
    }
    const advice = (): string => `${op.name} of ${cid} is larger than the ${limit}-byte inline limit; ` +
      (surface.localFiles ? 'pass `path` to write it to a local file' : `download it from ${restUrlOf(op, input, surface)}`)
    const bytes = await collectLimited(download.body, limit, advice, { signal: options.signal })
    const uri = `ipfs://${cid}`
    const mimeType = download.mediaType.split(';')[0] ?? download.mediaType // the resource's type, without parameters
    return toolResult({ ...download.output, mimeType, encoding: 'base64', bytes: bytes.byteLength }, [
      { type: 'resource', resource: { uri, mimeType, blob: encodeBase64(bytes) } }
    ])
  }
  // ranged: at most `limit` bytes per call, the rest by `nextOffset`
  const requested = input.length as number | undefined
  const download = await op.open(components, { ...input, length: Math.min(requested ?? Number.MAX_SAFE_INTEGER, limit) }, options)
  const offset = download.offset ?? 0
  const total = download.total ?? 0
  const wanted = Math.min(requested ?? total - offset, total - offset)
  let bytes = await collectLimited(download.body, limit, () => `more than ${limit} bytes`, { signal: options.signal })
  let text: string | undefined
  const mode = encoding ?? 'auto'
  if (mode !== 'base64') {
    // a page cut at the limit may end inside a character: stop before it, the next page starts with it
    const usable = bytes.byteLength < wanted ? bytes.subarray(0, utf8PrefixLength(bytes)) : bytes
    text = mode === 'text' ? new TextDecoder().decode(usable) : asText(usable)
    if (text !== undefined) bytes = usable
  }
  const returned = bytes.byteLength
  const nextOffset = returned < wanted ? offset + returned : undefined
  const name = download.filename ?? ''
  const mimeType = download.mediaType === 'application/octet-stream' ? mediaTypeOf(bytes, text !== undefined, name) : download.mediaType
  const target = typeof download.output.cid === 'string' ? download.output.cid : cid
  const content: ToolContent[] = text !== undefined
    ? [{ type: 'text', text }]
    : [{ type: 'resource', resource: { uri: `ipfs://${target}`, mimeType, blob: encodeBase64(bytes) } }]
  if (nextOffset !== undefined) {
    content.push({ type: 'text', text: `[${op.name}: returned bytes ${offset}-${offset + returned - 1} of ${total} (${formatBytes(total)}); at most ${formatBytes(limit)} are returned per call. Call ${op.name} again with offset=${nextOffset} to continue, or pass offset/length to read another range.]` })
  } else if (text === undefined) {
    content.push({ type: 'text', text: `[${op.name}: ${returned} bytes of ${mimeType} returned as a base64 blob]` })
  }
  return toolResult({ ...download.output, length: returned, mimeType, encoding: text !== undefined ? 'utf-8' : 'base64', truncated: nextOffset !== undefined, ...(nextOffset === undefined ? {} : { nextOffset }) }, content)
}

const fileSchema = z.object({
  path: z.string().min(1).max(4096).describe('path of the file inside the new directory, `/`-separated, e.g. `notes/today.md`'),
  text: z.string().optional().describe('file content as UTF-8 text'),
  base64: z.string().optional().describe('file content as base64 bytes')
})

/** An upload's input schema as MCP offers it: the operation's fields plus where the bytes come from. */
export function uploadInputSchema (op: UploadOperation, surface: McpByteSurface): z.ZodObject {
  const files = op.upload.accepts === 'files'
  return op.input.extend({
    ...(files ? { text: z.string().optional().describe('content as UTF-8 text') } : {}),
    base64: z.string().optional().describe(`${op.upload.description}, base64-encoded`),
    ...(files ? { files: z.array(fileSchema).min(1).max(10_000).optional().describe('several files, added as one directory tree') } : {}),
    ...(surface.localFiles ? { path: z.string().min(1).optional().describe(`a local ${files ? 'file or directory (read recursively)' : 'file'} to read`) } : {})
  })
}

/** The sentence MCP adds to an upload's description: where its bytes may come from. */
export function uploadSources (op: UploadOperation, surface: McpByteSurface): string {
  const sources = op.upload.accepts === 'files' ? ['`text`', '`base64`', '`files`'] : ['`base64`']
  if (surface.localFiles) sources.push('`path` (a local file' + (op.upload.accepts === 'files' ? ' or directory' : '') + ')')
  return sources.length === 1 ? ` Give ${sources[0] ?? ''}.` : ` Give exactly one of ${sources.slice(0, -1).join(', ')} or ${sources.at(-1) ?? ''}.`
}

/** A file's bytes, opened only when the importer reaches it (a directory of 10,000 files must not hold 10,000 fds). */
async function * fileChunks (path: string): AsyncGenerator<Uint8Array> {
  yield * createReadStream(path) as AsyncIterable<Buffer>
}

function fileEntry (file: z.infer<typeof fileSchema>): AddEntry {
  if ((file.text === undefined) === (file.base64 === undefined)) throw new InvalidInputError(`file ${file.path}: give exactly one of \`text\` or \`base64\``)
  return { path: file.path, content: file.text !== undefined ? new TextEncoder().encode(file.text) : decodeBase64(file.base64 ?? '', `files[${file.path}].base64`) }
}

/** The bytes an MCP call carries, and the operation's own fields. */
async function uploadOfArgs (op: UploadOperation, args: Record<string, unknown>, surface: McpByteSurface, signal: AbortSignal): Promise<{ upload: Upload, rest: Record<string, unknown> }> {
  const { text, base64, files, path, ...rest } = args as { text?: string, base64?: string, files?: unknown, path?: string }
  const given = Object.entries({ text, base64, files, path }).filter(([, value]) => value !== undefined).map(([key]) => key)
  const [only] = given
  if (only === undefined || given.length > 1) throw new InvalidInputError(`${op.name}:${uploadSources(op, surface)}`)
  if (only === 'path' && !surface.localFiles) throw new InvalidInputError('`path` is only accepted when the MCP server runs on this machine (stdio); send the bytes instead')
  if (only !== 'base64' && only !== 'path' && op.upload.accepts !== 'files') throw new InvalidInputError(`${op.name} takes \`base64\`${surface.localFiles ? ' or `path`' : ''}`)
  if (only === 'text') return { upload: { kind: 'bytes', body: [new TextEncoder().encode(text)] }, rest }
  if (only === 'base64') return { upload: { kind: 'bytes', body: [decodeBase64(base64 ?? '', 'base64')] }, rest }
  if (only === 'files') {
    const parsed = z.array(fileSchema).min(1).max(10_000).safeParse(files)
    if (!parsed.success) throw new InvalidInputError('`files` must be a list of { path, text | base64 }')
    return { upload: { kind: 'files', files: parsed.data.map(fileEntry), inDirectory: true }, rest }
  }
  const source = await collectUploadFiles(path ?? '', { signal })
  const [single] = source.files
  if (source.kind === 'file' && single !== undefined) return { upload: { kind: 'bytes', body: fileChunks(single.localPath) }, rest: { name: single.name, ...rest } }
  if (op.upload.accepts !== 'files') throw new InvalidInputError(`${path ?? ''} is a directory; ${op.name} takes one file`)
  return { upload: { kind: 'files', files: source.files.map(file => ({ path: file.name, content: fileChunks(file.localPath) })), inDirectory: true }, rest }
}

/** Run an upload for MCP. */
export async function callUpload (op: UploadOperation, components: OperationComponents, args: Record<string, unknown>, options: RunOptions, surface: McpByteSurface): Promise<CallToolResult> {
  const { upload, rest } = await uploadOfArgs(op, args, surface, options.signal)
  const fields = Object.fromEntries(Object.entries(rest).filter(([key]) => key in op.input.shape))
  const input = parseInput(op, fields, false)
  return toolResult(await op.run(components, input, upload, options))
}
