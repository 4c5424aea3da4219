import { z } from 'zod'
import { TimeoutError } from '../../../core/errors/index.ts'
import { defineOperation } from '../operation.ts'
import { cidField, cidOf, metadataField, nameField } from '../fields.ts'
import { pinJson, pinLine, pinOutput } from './pin-shape.ts'

/** Default time a pin may take to fetch what it misses, when the relay config does not say. */
const DEFAULT_PIN_TIMEOUT_MS = 120_000

/** `pin_add`: keep a DAG (fetching missing blocks first). */
export const pinAdd = defineOperation({
  name: 'pin_add',
  title: 'Pin content',
  description: 'Pin a CID so its blocks are kept: every missing block is fetched from peers first, and the pin is recorded only once all are held. Pinning again updates the name and metadata.',
  input: z.object({
    cid: cidField('CID to pin'),
    name: nameField('a human name for the pin').optional(),
    metadata: metadataField.optional().describe('extra key/value metadata to record on the pin'),
    recursive: z.boolean().optional().describe('pin the whole DAG (default true) or only the root block (false)')
  }),
  output: pinOutput,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  scope: 'pins:write',
  rest: { method: 'POST', path: '/api/v1/pins', tag: 'pins' },
  cli: { command: ['pin', 'add'], args: ['cid'], flags: { metadata: 'meta' }, lines: (pin: z.infer<typeof pinOutput>) => [`pinned ${pinLine(pin)}`] },
  aliases: ['pin/add'],
  async run ({ service, pinTimeoutMs }, input, { signal }) {
    const timeout = pinTimeoutMs ?? DEFAULT_PIN_TIMEOUT_MS
    const deadline = AbortSignal.timeout(timeout)
    try {
      const pin = await service.pinAdd(cidOf(input.cid), { name: input.name, metadata: input.metadata, recursive: input.recursive, signal: AbortSignal.any([signal, deadline]) })
      return pinJson(pin)
    } catch (err) {
      if (deadline.aborted && !signal.aborted) throw new TimeoutError(`pinning ${input.cid} did not finish within ${timeout} ms`, { cause: err })
      throw err
    }
  }
})
