import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { CODEC_CODES, encodeValue, fromJsonValue } from '../codecs.ts'
import { defineOperation } from '../operation.ts'

/** `dag_put`: JSON stored as a dag-cbor or dag-json block. */
export const dagPut = defineOperation({
  name: 'dag_put',
  title: 'Store JSON as an IPLD node',
  description: 'Encode a JSON value as a dag-cbor (default) or dag-json block, store it and return its CID. Use {"/": "<cid>"} for links to other blocks and {"/": {"bytes": "<base64>"}} for bytes.',
  input: z.object({
    value: z.unknown().refine(value => value !== undefined, 'a JSON value is required').describe('the JSON value to store (DAG-JSON conventions for links and bytes); on the command line, JSON text'),
    codec: z.enum(['dag-cbor', 'dag-json']).optional().describe('block encoding (default dag-cbor)'),
    pin: z.boolean().optional().describe('pin the new block and everything it links to (default false; every linked block must then be available)')
  }),
  output: z.object({
    cid: z.string().describe('CID of the stored block'),
    size: z.number().describe('block size in bytes'),
    codec: z.string().describe('its codec'),
    pinned: z.boolean().describe('whether it was pinned')
  }),
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:write',
  rest: { method: 'POST', path: '/api/v1/dag', tag: 'dag' },
  cli: { command: ['dag', 'put'], args: ['value'], lines: output => [output.cid] },
  async run ({ service }, input, { signal }) {
    if (input.value === undefined) throw new InvalidInputError('`value` is required')
    const codec = input.codec ?? 'dag-cbor'
    const bytes = encodeValue(fromJsonValue(input.value), codec)
    const stat = await service.blockPut(bytes, { codec: CODEC_CODES[codec], signal })
    if (input.pin === true) await service.pinAdd(stat.cid, { signal })
    return { cid: stat.cid.toString(), size: stat.size, codec, pinned: input.pin === true }
  }
})
