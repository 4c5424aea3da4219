import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  name: z.string().describe('cluster name'),
  peerId: z.string().describe('this peer'),
  writer: z.boolean().describe('whether this peer may change the pinset'),
  peers: z.number().int().describe('known peers'),
  livePeers: z.number().int().describe('peers heard from within the peer timeout'),
  pins: z.number().int().describe('entries in the pinset'),
  unhealthyPins: z.number().int().describe('pins whose health is not ok'),
  replicationMin: z.number().int().describe('the fewest copies a pin gets when it names none'),
  replicationMax: z.number().int().describe('the most copies a pin gets when it names none (-1: every peer)'),
  generation: z.number().int().describe('state generation: how many times the replicated state was compacted')
})

/** `cluster_info`: this peer's view of the cluster. */
export const clusterInfo = defineOperation({
  name: 'cluster_info',
  title: 'Cluster overview',
  description: 'This peer\'s view of the cluster: its name, whether this peer may write, how many peers are live and how many pins need attention.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['cluster'],
  rest: { method: 'GET', path: '/api/v1/cluster', tag: 'cluster' },
  cli: {
    command: ['cluster', 'info'],
    lines: (info: z.infer<typeof output>) => [`cluster ${info.name}: ${info.livePeers}/${info.peers} peers live, ${info.pins} pins, ${info.unhealthyPins} not ok${info.generation > 0 ? `, state generation ${info.generation}` : ''}${info.writer ? '' : ' (read-only here)'}`]
  },
  async run (components) {
    const cluster = clusterOf(components)
    const peers = cluster.peers()
    return {
      name: cluster.name,
      peerId: cluster.peerId,
      writer: cluster.writer,
      peers: peers.length,
      livePeers: peers.filter(p => p.live).length,
      pins: cluster.state.pinCount,
      unhealthyPins: cluster.statusAll().filter(s => s.health !== 'ok').length,
      replicationMin: cluster.replication.min,
      replicationMax: cluster.replication.max,
      generation: cluster.state.epoch.n
    }
  }
})
