import { z } from 'zod'
import { guarded, toolResult } from '../tool-result.ts'
import type { McpToolContext } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

/** `node_id`, `swarm_peers`: who this node is and whom it is connected to. */
export function registerNodeTools (server: McpServer, ctx: McpToolContext): void {
  server.registerTool('node_id', {
    title: 'Node identity',
    description: 'This node\'s libp2p peer id, listen addresses, agent version and protocols.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      peerId: z.string().describe('libp2p peer id'),
      addresses: z.array(z.string()).describe('multiaddrs the node listens on or announces'),
      agentVersion: z.string().describe('software name and version'),
      protocols: z.array(z.string()).describe('libp2p protocols it speaks')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('node_id', async () => toolResult({ ...ctx.service.id() }), ctx.onUnexpectedError))

  server.registerTool('swarm_peers', {
    title: 'Connected peers',
    description: 'The peers this node has open connections to, with their address, direction and whether the connection goes through a circuit relay.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      peers: z.array(z.object({
        peerId: z.string().describe('remote peer id'),
        addr: z.string().describe('remote multiaddr'),
        direction: z.enum(['inbound', 'outbound']).describe('who dialed'),
        limited: z.boolean().describe('true when relayed (time and data limited)')
      })).describe('open connections')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('swarm_peers', async () => toolResult({ peers: ctx.service.peers() }), ctx.onUnexpectedError))
}
