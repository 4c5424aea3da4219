import { z } from 'zod'
import { blockTooLarge } from '../../../core/blocks/limits.ts'
import { collectBlock } from '../../../core/blocks/bytes.ts'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { CODEC_CODES, codecName } from '../codecs.ts'
import { cidOf } from '../fields.ts'
import { defineUpload } from '../operation.ts'
import { blockInfo } from './shape.ts'

const codecNames = Object.keys(CODEC_CODES) as [keyof typeof CODEC_CODES, ...Array<keyof typeof CODEC_CODES>]

/** `block_put`: store one raw block, verified against a given CID or hashed into a new one. */
export const blockPut = defineUpload({
  kind: 'upload',
  name: 'block_put',
  title: 'Store a block',
  description: 'Store one raw block. With `cid`, the bytes are verified against it (ERR_CID_MISMATCH when they do not match); without, a CIDv1 (sha2-256) is made with `codec`. Blocks over the size limit (2 MiB by default) are refused.',
  input: z.object({
    cid: z.string().min(1).max(512).optional().describe('the CID the bytes must hash to'),
    codec: z.enum(codecNames).optional().describe('codec of the new CID when `cid` is not given (default raw)')
  }),
  output: blockInfo,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:write',
  rest: { method: 'POST', path: '/api/v1/blocks', tag: 'blocks' },
  cli: { command: ['block', 'put'], lines: output => [output.cid] },
  aliases: ['block/put'],
  upload: { accepts: 'bytes', description: 'the block\'s bytes', mediaTypes: ['application/octet-stream', 'application/vnd.ipld.raw'] },
  async run ({ service }, input, upload, { signal }) {
    if (upload.kind !== 'bytes') throw new InvalidInputError('a block is one byte string, not files')
    const cid = input.cid === undefined ? undefined : cidOf(input.cid)
    const limit = service.content.maxBlockSize
    const bytes = await collectBlock(upload.body, limit, size => blockTooLarge(cid, size, limit))
    const stat = await service.blockPut(bytes, { cid, codec: input.codec === undefined ? undefined : CODEC_CODES[input.codec], signal })
    return { cid: stat.cid.toString(), size: stat.size, codec: codecName(stat.cid.code) }
  }
})
