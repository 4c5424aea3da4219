import { z } from 'zod'
import { parseIpfsPath } from '../../../core/content/cid.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  cid: z.string().describe('CID of the node the target resolves to'),
  type: z.string().describe('file, directory, raw, symlink or object'),
  size: z.number().describe('file content size in bytes (0 for directories)'),
  dagSize: z.number().optional().describe('bytes of all blocks in the DAG (with dagSize)'),
  blocks: z.number().optional().describe('number of blocks in the DAG (with dagSize)'),
  local: z.boolean().optional().describe('whether every block is held locally (with dagSize)'),
  mode: z.number().optional().describe('UnixFS mode bits, when recorded'),
  mtime: z.string().optional().describe('UnixFS modification time (ISO 8601), when recorded')
})

/** `ipfs_stat`: what a CID or path points to. */
export const ipfsStat = defineOperation({
  name: 'ipfs_stat',
  title: 'Describe content',
  description: 'Type (file, directory, raw, symlink, object) and size of what a CID (or `<cid>/path`) points to; with `dagSize`, also its block count, DAG bytes and whether every block is held locally.',
  input: z.object({
    cid: z.string().min(1).max(4096).describe('a CID, or `<cid>/path/inside/a/directory`'),
    dagSize: z.boolean().optional().describe('walk the whole DAG to count blocks and bytes (reads every block; default false)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/stat/:cid', subpath: true, tag: 'content' },
  cli: { command: ['stat'], custom: true },
  aliases: ['files/stat'],
  async run ({ service }, input, { signal }) {
    const { cid, path } = parseIpfsPath(input.cid)
    const stat = await service.stat(path === '' ? cid : `${cid.toString()}/${path}`, { withDagSize: input.dagSize === true, signal })
    const mtime = stat.mtime === undefined ? undefined : new Date(Number(stat.mtime.secs) * 1000 + Math.floor((stat.mtime.nsecs ?? 0) / 1e6)).toISOString()
    return {
      cid: stat.cid.toString(),
      type: stat.type,
      size: stat.size,
      ...(stat.dagSize === undefined ? {} : { dagSize: stat.dagSize }),
      ...(stat.blocks === undefined ? {} : { blocks: stat.blocks }),
      ...(stat.local === undefined ? {} : { local: stat.local }),
      ...(stat.mode === undefined ? {} : { mode: stat.mode }),
      ...(mtime === undefined ? {} : { mtime })
    }
  }
})
