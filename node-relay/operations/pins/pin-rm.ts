import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { cidField, cidOf } from '../fields.ts'

/** `pin_rm`: drop a pin. */
export const pinRm = defineOperation({
  name: 'pin_rm',
  title: 'Unpin content',
  description: 'Remove the pin on a CID, so its blocks may be garbage-collected. ERR_NOT_FOUND when the CID is not pinned.',
  input: z.object({ cid: cidField('pinned CID to unpin') }),
  output: z.object({ cid: z.string().describe('the CID unpinned'), removed: z.boolean().describe('always true on success') }),
  annotations: { readOnly: false, destructive: true, idempotent: true, openWorld: false },
  scope: 'pins:write',
  rest: { method: 'DELETE', path: '/api/v1/pins/:cid', tag: 'pins' },
  cli: { command: ['pin', 'rm'], args: ['cid'], lines: (out: { cid: string }) => [`unpinned ${out.cid}`] },
  aliases: ['pin/rm'],
  async run ({ service }, input, { signal }) {
    const cid = cidOf(input.cid)
    await service.pinRm(cid, { signal })
    return { cid: cid.toString(), removed: true }
  }
})
