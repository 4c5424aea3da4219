import { z } from 'zod'
import { statsOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const counts = z.record(z.string(), z.number())

const output = z.object({
  intervalMs: z.number().describe('time between samples'),
  samples: z.array(z.object({
    at: z.number().describe('when it was taken, ms since the epoch'),
    requestsPerSecond: z.number().describe('HTTP requests answered per second over the interval'),
    meanLatencyMs: z.number().describe('their mean duration'),
    bytesInPerSecond: z.number().describe('request body bytes received per second'),
    bytesOutPerSecond: z.number().describe('response body bytes sent per second'),
    peers: counts.describe('connected peers by kind (browser, relay, other)'),
    connections: counts.describe('open libp2p connections by transport'),
    pins: counts.describe('cluster pins tracked here, by state'),
    storageBytes: counts.describe('bytes stored, by backend'),
    backendsUp: counts.describe('1 when the backend answered its last probe, by backend'),
    migrationJobs: counts.describe('migration jobs by state'),
    searchDocuments: z.number().describe('documents in the search index')
  })).describe('oldest first, at most the last 30 minutes')
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
