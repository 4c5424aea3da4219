import { z } from 'zod'
import { metadataField } from '../fields.ts'
import type { PinInfo } from '../../../core/service/types.ts'

/** A pin as every surface shows it. */
export const pinOutput = z.object({
  cid: z.string().describe('the pinned CID'),
  name: z.string().describe('name given at pin time (empty when none)'),
  recursive: z.boolean().describe('true: the whole DAG is kept; false: only the root block'),
  depth: z.number().int().describe('-1 for recursive (JSON has no Infinity), else the depth kept'),
  metadata: metadataField.describe('extra metadata recorded on the pin')
})

/** A pin as JSON. */
export function pinJson (pin: PinInfo): z.infer<typeof pinOutput> {
  const recursive = pin.depth === Infinity
  return { cid: pin.cid.toString(), name: pin.name, recursive, depth: recursive ? -1 : pin.depth, metadata: pin.metadata ?? {} }
}

/** One pin as a line of CLI output. */
export function pinLine (pin: z.infer<typeof pinOutput>): string {
  return [pin.cid, pin.recursive ? 'recursive' : 'direct', pin.name].filter(s => s !== '').join('  ')
}
