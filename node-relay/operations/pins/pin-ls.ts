import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { cidField, cidOf } from '../fields.ts'
import { pinJson, pinLine, pinOutput } from './pin-shape.ts'

const output = z.object({
  pins: z.array(pinOutput).describe('the pins'),
  truncated: z.boolean().describe('true when there are more pins than `limit`')
})

/** `pin_ls`: list pins. */
export const pinLs = defineOperation({
  name: 'pin_ls',
  title: 'List pins',
  description: 'List pinned CIDs with their names and metadata, or the pin on one CID (an empty list when it is not pinned).',
  input: z.object({
    cid: cidField('only the pin on this CID').optional(),
    limit: z.number().int().min(1).max(1_000_000).optional().describe('most pins to return (default 10000)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/pins', tag: 'pins' },
  cli: { command: ['pin', 'ls'], lines: (out: z.infer<typeof output>) => out.pins.map(pinLine) },
  aliases: ['pin/ls'],
  async run ({ service }, input, { signal }) {
    const limit = input.limit ?? 10_000
    const pins: Array<z.infer<typeof pinOutput>> = []
    for await (const pin of service.pinLs({ cid: input.cid === undefined ? undefined : cidOf(input.cid), signal })) {
      if (pins.length === limit) return { pins, truncated: true }
      pins.push(pinJson(pin))
    }
    return { pins, truncated: false }
  }
})
