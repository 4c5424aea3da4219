import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const peer = z.object({
  peerId: z.string().describe('libp2p peer id'),
  kind: z.enum(['browser', 'relay']).describe('where the peer runs'),
  freeSpace: z.number().describe('bytes it can still store'),
  pinnedBytes: z.number().describe('bytes of cluster pins it holds'),
  tags: z.array(z.string()).describe('allocation tags'),
  lastSeen: z.number().describe('epoch ms (the peer\'s clock) of its last heartbeat'),
  addrs: z.array(z.string()).describe('addresses other peers can dial'),
  live: z.boolean().describe('heard from within the peer timeout'),
  self: z.boolean().describe('this node'),
  silentMs: z.number().describe('ms since it was last heard from'),
  mark: z.object({ cid: z.string(), reason: z.string(), by: z.string(), at: z.number() }).optional().describe('why it was marked failing, when it was')
})
const output = z.object({ peers: z.array(peer).describe('the peers') })

/** `cluster_peers`: the cluster's peers and their metrics. */
export const clusterPeers = defineOperation({
  name: 'cluster_peers',
  title: 'Cluster peers',
  description: 'Peers of the cluster with the metrics each publishes (free space, pinned bytes, kind, tags) and whether they are live.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['cluster'],
  rest: { method: 'GET', path: '/api/v1/cluster/peers', tag: 'cluster' },
  cli: {
    command: ['cluster', 'peers'],
    lines: (out: z.infer<typeof output>) => out.peers.map(p =>
      `${p.peerId}  ${p.kind}  ${p.live ? 'live' : `silent ${Math.round(p.silentMs / 1000)}s`}  free ${p.freeSpace}  pinned ${p.pinnedBytes}${p.tags.length > 0 ? `  [${p.tags.join(', ')}]` : ''}${p.self ? '  (this relay)' : ''}`)
  },
  aliases: ['peers/ls'],
  async run (components) {
    return { peers: clusterOf(components).peers() }
  }
})
