import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  generation: z.number().int().describe('the state generation after compaction'),
  beforeBytes: z.number().int().describe('encoded state before, bytes'),
  afterBytes: z.number().int().describe('encoded state after, bytes')
})

/**
 * `cluster_compact`: compact the replicated state now (the leader also does it on its own once removed and
 * overwritten values outnumber live ones; docs/decisions/0022).
 */
export const clusterCompact = defineOperation({
  name: 'cluster_compact',
  title: 'Compact the cluster state',
  description: 'Move the live entries of the replicated pinset into a new state generation and drop the history of removed and overwritten values; the other peers move into it when they next sync. The leader does this on its own once that history outgrows the live entries. ERR_CLUSTER_READ_ONLY when this node may not write.',
  input: z.object({}),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
  scope: 'cluster:write',
  requires: ['cluster'],
  rest: { method: 'POST', path: '/api/v1/cluster/compact', tag: 'cluster' },
  cli: {
    command: ['cluster', 'compact'],
    lines: (r: z.infer<typeof output>) => [`state generation ${r.generation}: ${(r.beforeBytes / 1_048_576).toFixed(2)} MiB → ${(r.afterBytes / 1_048_576).toFixed(2)} MiB`]
  },
  async run (components, _input, { signal }) {
    const { epoch, beforeBytes, afterBytes } = await clusterOf(components).compact({ signal })
    return { generation: epoch, beforeBytes, afterBytes }
  }
})
