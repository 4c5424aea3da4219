import { z } from 'zod'
import { defineOperation } from '../operation.ts'

const output = z.object({
  peers: z.array(z.object({
    peerId: z.string().describe('remote peer id'),
    addr: z.string().describe('remote multiaddr'),
    direction: z.enum(['inbound', 'outbound']).describe('who dialed'),
    limited: z.boolean().describe('true when relayed (time and data limited)')
  })).describe('open connections')
})

/** `swarm_peers`: whom this node is connected to. */
export const swarmPeers = defineOperation({
  name: 'swarm_peers',
  title: 'Connected peers',
  description: 'The peers this node has open connections to, with their address, direction and whether the connection goes through a circuit relay.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/peers', tag: 'node' },
  cli: {
    command: ['peers'],
    lines: (out: z.infer<typeof output>) => out.peers.length === 0
      ? ['no peers connected (browsers and other relays appear here once they dial this relay)']
      : out.peers.map(p => [p.peerId, p.direction, p.addr, p.limited ? '(relayed)' : ''].filter(s => s !== '').join('  '))
  },
  aliases: ['swarm/peers', 'peers'],
  async run ({ service }) {
    return { peers: service.peers() }
  }
})
