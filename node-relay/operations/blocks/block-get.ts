import { z } from 'zod'
import { codecName } from '../codecs.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineDownload } from '../operation.ts'
import { blockInfo } from './shape.ts'

/** `block_get`: one raw block's bytes, verified. */
export const blockGet = defineDownload({
  kind: 'download',
  name: 'block_get',
  title: 'Read a block',
  description: 'Read one raw block by CID, verified against it (fetched from peers when missing here). To see a structured block as JSON use dag_get; to read a file use ipfs_cat.',
  input: z.object({ cid: cidField('CID of the block') }),
  output: blockInfo,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/blocks/:cid', tag: 'blocks' },
  cli: { command: ['block', 'get'], args: ['cid'] },
  aliases: ['block/get'],
  async open ({ service }, input, { signal }) {
    const cid = cidOf(input.cid)
    const bytes = await service.blockGet(cid, { signal })
    return {
      output: { cid: cid.toString(), size: bytes.byteLength, codec: codecName(cid.code) },
      body: (async function * () { yield bytes })(),
      mediaType: 'application/vnd.ipld.raw',
      length: bytes.byteLength,
      etag: `"${cid.toString()}.raw"`,
      filename: `${cid.toString()}.bin`
    }
  }
})
