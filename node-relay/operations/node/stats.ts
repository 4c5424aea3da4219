import { z } from 'zod'
import { statsSampleSchema } from '../../../core/stats/sample.ts'
import { statsOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  intervalMs: z.number().describe('time between samples'),
  samples: z.array(statsSampleSchema).describe('oldest first, at most the last 30 minutes')
})

/** `stats`: the relay's recent history, sampled from its own metrics, for dashboards. */
export const stats = defineOperation({
  name: 'stats',
  title: 'Recent history for dashboards',
  description: 'The relay\'s recent history, one sample every `http.statsIntervalMs` (5 s) for the last 360 samples (30 minutes), read from the same figures /metrics exports: request rate and mean latency, bytes in and out, peers by kind, connections by transport, pins by state, bytes and health per backend, migration jobs, search documents. `since` (ms since the epoch) returns only newer samples, for polling.',
  input: z.object({
    since: z.number().int().min(0).optional().describe('only samples taken after this time (ms since the epoch)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'metrics',
  requires: ['stats'],
  rest: { method: 'GET', path: '/api/v1/stats', tag: 'node' },
  cli: {
    command: ['stats'],
    lines: (out: z.infer<typeof output>) => out.samples.slice(-12).map(s => `${new Date(s.at).toISOString().slice(11, 19)}  ${s.requestsPerSecond.toFixed(1)} req/s  ${s.meanLatencyMs.toFixed(1)} ms  in ${Math.round(s.bytesInPerSecond)} B/s  out ${Math.round(s.bytesOutPerSecond)} B/s  peers ${Object.values(s.peers).reduce((a, b) => a + b, 0)}`)
  },
  async run (components, input) {
    const sampler = statsOf(components)
    return { intervalMs: sampler.intervalMs, samples: sampler.samples(input.since ?? 0) }
  }
})
