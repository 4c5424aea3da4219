import { z } from 'zod'
import { defineOperation } from '../operation.ts'

const output = z.object({
  peerId: z.string().describe('libp2p peer id'),
  addresses: z.array(z.string()).describe('multiaddrs the node listens on or announces'),
  agentVersion: z.string().describe('software name and version'),
  protocols: z.array(z.string()).describe('libp2p protocols it speaks')
})

/** `node_id`: who this node is. */
export const nodeId = defineOperation({
  name: 'node_id',
  title: 'Node identity',
  description: 'This node\'s libp2p peer id, listen addresses, agent version and protocols.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  // public: browsers and the web component ask it for the relay's WebSocket address before they hold any key
  scope: 'public',
  rest: { method: 'GET', path: '/api/v1/id', tag: 'node' },
  cli: {
    command: ['id'],
    lines: (id: z.infer<typeof output>) => [`peer id  ${id.peerId}`, `agent    ${id.agentVersion}`, ...id.addresses.map(a => `address  ${a}`)]
  },
  aliases: ['id'],
  async run ({ service }) {
    return { ...service.id() }
  }
})
