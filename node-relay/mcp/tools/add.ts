import { createReadStream } from 'node:fs'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { collectUploadFiles } from '../../cli/local-files.ts'
import { decodeBase64 } from '../bytes.ts'
import { guarded, toolResult } from '../tool-result.ts'
import type { AddEntry, AddResult } from '../../../core/content/types.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

/** Entries listed in an add's result at most (a big directory lists its first ones and says so). */
const MAX_LISTED_ENTRIES = 100

const fileSchema = z.object({
  path: z.string().min(1).describe('path of the file inside the new directory, `/`-separated, e.g. `notes/today.md`'),
  text: z.string().optional().describe('file content as UTF-8 text'),
  base64: z.string().optional().describe('file content as base64 bytes')
})

const inputSchema = z.object({
  text: z.string().optional().describe('content to add, as UTF-8 text'),
  base64: z.string().optional().describe('content to add, as base64-encoded bytes (for binary data)'),
  files: z.array(fileSchema).min(1).max(10_000).optional().describe('several files to add as one directory tree'),
  path: z.string().min(1).optional().describe('a local file or directory to add (read recursively); only when the server runs on this machine'),
  name: z.string().max(255).optional().describe('a human name recorded on the pin'),
  pin: z.boolean().optional().describe('pin what is added so it is kept (default true)'),
  wrap: z.boolean().optional().describe('wrap in a directory: default false for one file (its own CID is returned), true for `files` and directories')
})

const outputSchema = z.object({
  cid: z.string().describe('CID of the added file or of the root directory'),
  size: z.number().describe('file bytes, or the cumulative DAG size for a directory'),
  pinned: z.boolean().describe('whether the root was pinned'),
  entries: z.array(z.object({ path: z.string(), cid: z.string(), size: z.number() })).optional()
    .describe('for directories: the files and directories added (at most 100)'),
  entriesTruncated: z.boolean().optional().describe('true when more entries were added than listed')
})

type AddInput = z.infer<typeof inputSchema>

/** Exactly one source must be given. */
function sourceKind (args: AddInput, localFiles: boolean): 'text' | 'base64' | 'files' | 'path' {
  const given = (['text', 'base64', 'files', 'path'] as const).filter(key => args[key] !== undefined)
  const [only] = given
  if (only === undefined || given.length > 1) throw new InvalidInputError(`give exactly one of \`text\`, \`base64\`, \`files\`${localFiles ? ' or `path`' : ''}`)
  if (only === 'path' && !localFiles) throw new InvalidInputError('`path` is only accepted when the MCP server runs on this machine (stdio); send `text`, `base64` or `files` instead')
  return only
}

function fileEntry (file: z.infer<typeof fileSchema>): AddEntry {
  if ((file.text === undefined) === (file.base64 === undefined)) throw new InvalidInputError(`file ${file.path}: give exactly one of \`text\` or \`base64\``)
  return { path: file.path, content: file.text !== undefined ? new TextEncoder().encode(file.text) : decodeBase64(file.base64 ?? '', `files[${file.path}].base64`) }
}

/** A file's bytes, opened only when the importer reaches it (a directory of 10,000 files must not hold 10,000 fds). */
async function * fileChunks (path: string): AsyncGenerator<Uint8Array> {
  yield * createReadStream(path) as AsyncIterable<Buffer>
}

async function localEntries (path: string, signal: AbortSignal): Promise<{ entries: AddEntry[], directory: boolean }> {
  const source = await collectUploadFiles(path, { signal })
  return { entries: source.files.map(file => ({ path: file.name, content: fileChunks(file.localPath) })), directory: source.kind === 'directory' }
}

function treeResult (results: AddResult[], pinned: boolean): Record<string, unknown> {
  const root = results.at(-1)
  if (root === undefined) throw new InvalidInputError('nothing was added')
  return {
    cid: root.cid.toString(),
    size: root.size,
    pinned,
    entries: results.slice(0, MAX_LISTED_ENTRIES).map(r => ({ path: r.path, cid: r.cid.toString(), size: r.size })),
    entriesTruncated: results.length > MAX_LISTED_ENTRIES
  }
}

/** `ipfs_add`: text, base64 bytes, several files, or (locally) a file or directory on disk. */
export function registerAddTool (server: McpServer, ctx: McpToolContext): void {
  const shape = ctx.localFiles ? inputSchema : inputSchema.omit({ path: true })
  server.registerTool('ipfs_add', {
    title: 'Add content',
    description: 'Add content to IPFS and return its CID (CIDv1, UnixFS, 1 MiB chunks). Give exactly one of: `text`, `base64` (binary), `files` (a directory of several files)' +
      (ctx.localFiles ? ', or `path` (a local file or directory, read recursively)' : '') + '. Pinned unless `pin` is false. Adding the same bytes again returns the same CID.',
    inputSchema: shape as typeof inputSchema,
    outputSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('ipfs_add', async (args: AddInput, extra: ToolExtra) => {
    const kind = sourceKind(args, ctx.localFiles)
    const options = { pin: args.pin, name: args.name, signal: extra.signal }
    const pinned = args.pin !== false
    if (kind === 'text' || kind === 'base64') {
      const bytes = kind === 'text' ? new TextEncoder().encode(args.text) : decodeBase64(args.base64 ?? '', 'base64')
      if (args.wrap !== true) {
        const result = await ctx.service.add(bytes, options)
        return toolResult({ cid: result.cid.toString(), size: result.size, pinned })
      }
      return toolResult(treeResult(await ctx.service.addAll([{ path: args.name ?? 'file', content: bytes }], { ...options, wrapWithDirectory: true }), pinned))
    }
    if (kind === 'files') {
      const entries = (args.files ?? []).map(fileEntry)
      return toolResult(treeResult(await ctx.service.addAll(entries, { ...options, wrapWithDirectory: args.wrap ?? true }), pinned))
    }
    const { entries, directory } = await localEntries(args.path ?? '', extra.signal)
    const [single] = entries
    if (!directory && args.wrap !== true && single?.content !== undefined) {
      const result = await ctx.service.add(single.content, options)
      return toolResult({ cid: result.cid.toString(), size: result.size, pinned })
    }
    return toolResult(treeResult(await ctx.service.addAll(entries, { ...options, wrapWithDirectory: args.wrap ?? true, fileImportConcurrency: 1 }), pinned))
  }, ctx.onUnexpectedError))
}
