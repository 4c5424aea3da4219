import { z } from 'zod'

/** What block operations answer about a block. */
export const blockInfo = z.object({
  cid: z.string().describe('the block\'s CID'),
  size: z.number().describe('its size in bytes'),
  codec: z.string().describe('its IPLD codec (raw, dag-pb, dag-cbor, dag-json, json, or the code in hex)')
})
