import { z } from 'zod'
import { parseIpfsPath } from '../../../core/content/cid.ts'
import { InvalidRangeError, NotAFileError } from '../../../core/errors/index.ts'
import { defineDownload } from '../operation.ts'
import { primed } from '../primed.ts'

/** `ipfs_cat`: a file's bytes, or a range of them, verified block by block. */
export const ipfsCat = defineDownload({
  kind: 'download',
  name: 'ipfs_cat',
  title: 'Read a file',
  description: 'Read a file\'s bytes by CID (or `<cid>/path` inside a directory), verified against the CID block by block. `offset`/`length` select a range (REST also honours `Range`, answering 206); MCP returns text, or a base64 blob for binary data, a page at a time with the offset of the next.',
  input: z.object({
    cid: z.string().min(1).max(4096).describe('CID of a file, or `<cid>/path/inside/a/directory`'),
    offset: z.number().int().min(0).optional().describe('first byte to read (default 0)'),
    length: z.number().int().min(0).optional().describe('bytes to read (default: to the end of the file)')
  }),
  output: z.object({
    cid: z.string().describe('what was read: a CID or `<cid>/path`'),
    size: z.number().describe('the whole file\'s size in bytes'),
    offset: z.number().describe('first byte returned'),
    length: z.number().describe('bytes returned')
  }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/cat/:cid', subpath: true, tag: 'content' },
  cli: { command: ['cat'], args: ['cid'], custom: true }, // node-relay/cli/commands/cat.ts (adds --decrypt)
  aliases: ['cat'],
  ranged: true,
  async open ({ service }, input, { signal }) {
    const { cid, path } = parseIpfsPath(input.cid)
    const target = path === '' ? cid.toString() : `${cid.toString()}/${path}`
    // one resolution for the stat and the bytes: the root block is read and verified once
    const opened = await service.open(target, { signal })
    const { stat } = opened
    if (stat.type === 'directory' || stat.type === 'object') throw new NotAFileError(`${target} is a ${stat.type}, not a file: list it with ipfs_ls`)
    const offset = input.offset ?? 0
    if (offset > stat.size) throw new InvalidRangeError(`offset ${offset} is past the end of the file (${stat.size} bytes)`)
    const length = Math.min(input.length ?? stat.size - offset, stat.size - offset)
    // a one-block file is in memory already: no stream to start and prime
    const bytes = opened.bytes?.subarray(offset, offset + length)
    const body = bytes !== undefined ? (async function * () { yield bytes })() : length === 0 ? (async function * () {})() : await primed(opened.cat({ offset, length, signal }))
    return {
      output: { cid: target, size: stat.size, offset, length },
      body,
      ...(bytes === undefined ? {} : { bytes }),
      mediaType: 'application/octet-stream',
      length,
      etag: `"${stat.cid.toString()}"`,
      total: stat.size,
      offset,
      filename: path === '' ? undefined : path.split('/').at(-1)
    }
  }
})
