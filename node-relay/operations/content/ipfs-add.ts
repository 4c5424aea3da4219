import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { nameField } from '../fields.ts'
import { defineUpload } from '../operation.ts'
import type { AddEntry, AddResult } from '../../../core/content/types.ts'

/** Entries listed in an answer at most (the root is always listed last). */
const MAX_LISTED_ENTRIES = 10_000

const output = z.object({
  cid: z.string().describe('CID of the added file, or of the root directory'),
  size: z.number().describe('file bytes, or the cumulative DAG size for a directory'),
  name: z.string().describe('the name recorded on the pin ("" when none)'),
  pinned: z.boolean().describe('whether the root was pinned'),
  entries: z.array(z.object({ cid: z.string(), path: z.string(), size: z.number() })).optional()
    .describe('for a tree: every file and directory added, the root last (at most 10,000)'),
  entriesTruncated: z.boolean().optional().describe('true when more entries were added than listed')
})

/** Count the entries as they go by, so an upload without a single named file is refused clearly. */
async function * counted (files: AsyncIterable<AddEntry> | Iterable<AddEntry>, seen: { count: number }): AsyncGenerator<AddEntry> {
  for await (const entry of files) {
    seen.count++
    yield entry
  }
}

function listed (results: AddResult[]): Pick<z.infer<typeof output>, 'entries' | 'entriesTruncated'> {
  const all = results.map(r => ({ cid: r.cid.toString(), path: r.path, size: r.size }))
  if (all.length <= MAX_LISTED_ENTRIES) return { entries: all, entriesTruncated: false }
  return { entries: [...all.slice(0, MAX_LISTED_ENTRIES - 1), ...all.slice(-1)], entriesTruncated: true }
}

/** `ipfs_add`: one file, or a tree of files, streamed into UnixFS. */
export const ipfsAdd = defineUpload({
  kind: 'upload',
  name: 'ipfs_add',
  title: 'Add content',
  description: 'Add a file or a tree of files and return its CID (CIDv1, raw leaves, 1 MiB chunks; `cidVersion: 0` gives the CIDs of Kubo\'s legacy profile). Streamed: nothing is held whole in memory. As `ipfs add`, one file or one top-level directory is the root itself and several are wrapped in a directory (`wrap` forces either). Pinned unless `pin` is false; adding the same bytes again returns the same CID.',
  input: z.object({
    pin: z.boolean().optional().describe('pin what is added so it is kept (default true)'),
    name: nameField('a human name recorded on the pin').optional(),
    wrap: z.boolean().optional().describe('true wraps everything in a directory; false never does; unset: one file or top-level directory is the root itself, several are wrapped'),
    chunkSize: z.number().int().min(1024).max(2_097_152).optional().describe('fixed chunk size in bytes'),
    cidVersion: z.number().int().min(0).max(1).optional().describe('1 (default, unixfs-v1-2025) or 0 (Kubo\'s legacy unixfs-v0-2015: 256 KiB chunks, dag-pb leaves)'),
    rawLeaves: z.boolean().optional().describe('raw leaf blocks (default true with CIDv1)')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:write',
  rest: { method: 'POST', path: '/api/v1/add', tag: 'content' },
  cli: { command: ['add'], lines: result => [`added ${result.cid}`], custom: true },
  aliases: ['add'],
  upload: {
    accepts: 'files',
    description: 'one file (application/octet-stream), or files as multipart/form-data whose filenames are their paths in the tree',
    mediaTypes: ['application/octet-stream', 'multipart/form-data']
  },
  async run ({ service }, input, upload, { signal }) {
    const options = {
      pin: input.pin,
      name: input.name,
      chunker: input.chunkSize === undefined ? undefined : { type: 'fixed' as const, size: input.chunkSize },
      cidVersion: input.cidVersion === 0 ? 0 as const : input.cidVersion === 1 ? 1 as const : undefined,
      rawLeaves: input.rawLeaves,
      signal
    }
    const pinned = input.pin !== false
    const name = input.name ?? ''
    if (upload.kind === 'bytes' && input.wrap !== true) {
      const result = await service.add(upload.body, options)
      return { cid: result.cid.toString(), size: result.size, name, pinned }
    }
    const files = upload.kind === 'bytes' ? [{ path: input.name ?? 'file', content: upload.body }] : upload.files
    const wrap = input.wrap ?? (upload.kind === 'files' && upload.inDirectory === true ? true : undefined)
    const seen = { count: 0 }
    const results = await service.addAll(counted(files, seen), {
      ...options, wrapWithDirectory: wrap ?? true, unwrapSingle: wrap === undefined, fileImportConcurrency: 1
    })
    const root = results.at(-1)
    if (root === undefined || seen.count === 0) throw new InvalidInputError('the upload held no files (each file needs a path)')
    return { cid: root.cid.toString(), size: root.size, name, pinned, ...listed(results) }
  }
})
