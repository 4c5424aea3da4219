import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { cidField, cidOf, metadataField, nameField, stringList } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { cidStatusShape, statusLines } from './shapes.ts'

/** `cluster_pin`: add a CID to the replicated pinset. */
export const clusterPin = defineOperation({
  name: 'cluster_pin',
  title: 'Pin in the cluster',
  description: 'Add a CID to the cluster pinset with a replication factor: it is allocated to peers (relays first, then by tags, load and free space) and each allocated peer fetches and pins it. Returns at once; follow progress with cluster_status. ERR_CLUSTER_READ_ONLY when this node may not write.',
  input: z.object({
    cid: cidField('CID to pin'),
    name: nameField('a human name for the pin').optional(),
    replicationMin: z.number().int().min(1).optional().describe('fewest copies to keep (repair restores this)'),
    replicationMax: z.number().int().min(-1).optional().describe('most copies to make (-1 = every peer)'),
    allocations: stringList('peers that must hold it (the allocator fills up the rest)').max(256).optional(),
    tags: z.array(z.string().min(1).max(64)).max(64).optional().describe('tags matched against peer tags when allocating'),
    expireAt: z.number().positive().optional().describe('epoch ms after which the pin is removed'),
    metadata: metadataField.optional().describe('free metadata to record')
  }),
  output: cidStatusShape,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  scope: 'cluster:write',
  requires: ['cluster'],
  rest: { method: 'POST', path: '/api/v1/cluster/pins', tag: 'cluster' },
  cli: {
    command: ['cluster', 'pin'],
    args: ['cid'],
    flags: { replicationMin: 'min', replicationMax: 'max', allocations: 'allocate', tags: 'tag', metadata: 'meta' },
    lines: (status: z.infer<typeof cidStatusShape>) => {
      const allocated = status.pin?.allocations.length ?? 0
      const wanted = status.pin?.replicationMin ?? 1
      // `--min 2` on a one-peer cluster is accepted (peers may join), but say it will stay under-replicated until then
      const warning = allocated < wanted ? [`warning: --min ${wanted} but only ${allocated} peer(s) can hold it now; it stays under-replicated until more peers join`] : []
      return [`pinned in the cluster, allocated to ${allocated} peer(s)`, ...warning, ...statusLines(status)]
    }
  },
  aliases: ['pin', 'pins/add'],
  async run (components, input, { signal }) {
    const cluster = clusterOf(components)
    const { cid, ...options } = input
    const pin = await cluster.pin(cidOf(cid), { ...options, signal })
    return cluster.status(pin.cid)
  }
})
