/**
 * One point of a relay's recent history (`GET /api/v1/stats`): the schema the operation answers with, the type the
 * relay's sampler fills and the PWA's Dashboard draws, so the three cannot drift apart.
 */
import { z } from 'zod'

const counts = z.record(z.string(), z.number())

/** See the module comment. */
export const statsSampleSchema = z.object({
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
})

/** One sample; counters are already rates over the interval before it. */
export type StatsSample = z.infer<typeof statsSampleSchema>
