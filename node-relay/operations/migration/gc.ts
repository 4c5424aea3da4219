import { z } from 'zod'
import { formatBytes } from '../../../core/format/bytes.ts'
import { defineOperation } from '../operation.ts'
import { migrationOf } from './shapes.ts'

const output = z.object({
  removedBlocks: z.number().describe('blocks removed'),
  freedBytes: z.number().describe('bytes freed'),
  keptBlocks: z.number().describe('blocks kept (pinned)'),
  durationMs: z.number().describe('time the sweep took'),
  waitedMs: z.number().describe('time spent waiting for adds and pins in progress to finish')
})

/** `gc`: collect the relay blockstore's garbage. */
export const gc = defineOperation({
  name: 'gc',
  title: 'Collect garbage',
  description: 'Remove every block of the relay\'s blockstore that no pin keeps (local pins, the cluster\'s allocations to this relay, the sources of migrations in progress), and report the bytes freed. Adds, imports and pins in progress finish first; new ones wait for the sweep (as Kubo\'s repo gc).',
  input: z.object({}),
  output,
  annotations: { readOnly: false, destructive: true, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/gc', tag: 'migration' },
  cli: { command: ['gc'], lines: (out: z.infer<typeof output>) => [`removed ${out.removedBlocks} block(s), freed ${formatBytes(out.freedBytes)}; kept ${out.keptBlocks} pinned block(s) (${out.durationMs} ms)`] },
  aliases: ['repo/gc'],
  async run (components, _input, { signal }) {
    return await migrationOf(components).collect({ signal })
  }
})
