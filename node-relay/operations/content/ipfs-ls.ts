import { z } from 'zod'
import { parseIpfsPath } from '../../../core/content/cid.ts'
import { defineOperation } from '../operation.ts'

const entry = z.object({
  name: z.string().describe('entry name'),
  path: z.string().describe('path from the listed root, e.g. `<cid>/photos/cat.jpg`'),
  cid: z.string().describe('entry CID'),
  type: z.string().describe('file, directory, raw, symlink or object'),
  size: z.number().describe('file size in bytes (0 for directories)')
})
const output = z.object({
  cid: z.string().describe('the directory listed (`<cid>/path` as asked)'),
  entries: z.array(entry).describe('its entries, in directory order'),
  truncated: z.boolean().describe('true when the directory holds more entries than `limit`')
})

/** `ipfs_ls`: a directory's entries. */
export const ipfsLs = defineOperation({
  name: 'ipfs_ls',
  title: 'List a directory',
  description: 'List the entries of a UnixFS directory by CID (or `<cid>/path`): name, CID, type and size of each.',
  input: z.object({
    cid: z.string().min(1).max(4096).describe('CID of a directory, or `<cid>/path/to/a/subdirectory`'),
    limit: z.number().int().min(1).max(1_000_000).optional().describe('most entries to return (default 10000)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/ls/:cid', subpath: true, tag: 'content' },
  cli: { command: ['ls'], custom: true },
  aliases: ['ls'],
  async run ({ service }, input, { signal }) {
    const { cid, path } = parseIpfsPath(input.cid)
    const target = path === '' ? cid.toString() : `${cid.toString()}/${path}`
    const limit = input.limit ?? 10_000
    const entries: Array<z.infer<typeof entry>> = []
    for await (const found of service.ls(target, { signal })) {
      if (entries.length === limit) return { cid: target, entries, truncated: true }
      entries.push({ name: found.name, path: found.path, cid: found.cid.toString(), type: found.type, size: found.size })
    }
    return { cid: target, entries, truncated: false }
  }
})
