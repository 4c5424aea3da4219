import { z } from 'zod'
import { guarded, toolResult } from '../tool-result.ts'
import type { Cluster } from '../../../core/cluster/index.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

const peerStatusSchema = z.object({
  state: z.enum(['queued', 'pinning', 'pinned', 'error', 'unpin_queued', 'unpinning', 'unpinned', 'remote']).describe('this peer\'s state of the pin'),
  error: z.string().optional().describe('why it is in error (stable code first)'),
  at: z.number().describe('epoch ms of the last change')
})

const cidStatusSchema = z.object({
  cid: z.string().describe('the CID'),
  name: z.string().describe('the pin\'s name'),
  health: z.enum(['ok', 'under_replicated', 'error', 'pending']).describe('ok: at least replicationMin peers hold it'),
  pinnedCount: z.number().describe('allocated peers that report pinned'),
  replicationMin: z.number().optional().describe('fewest copies wanted'),
  replicationMax: z.number().optional().describe('most copies wanted (-1 = every peer)'),
  allocations: z.array(z.string()).describe('peer ids that must hold it'),
  peers: z.record(z.string(), peerStatusSchema).describe('state per peer id')
})

function statusJson (status: ReturnType<Cluster['status']>): z.infer<typeof cidStatusSchema> {
  return {
    cid: status.cid,
    name: status.name,
    health: status.health,
    pinnedCount: status.pinnedCount,
    ...(status.pin === undefined ? {} : { replicationMin: status.pin.replicationMin, replicationMax: status.pin.replicationMax }),
    allocations: status.pin?.allocations ?? [],
    peers: status.peers
  }
}

/** `cluster_status`, `cluster_peers`, `cluster_pin`: the replicated pinset, for agents. */
export function registerClusterTools (server: McpServer, ctx: McpToolContext, cluster: Cluster): void {
  server.registerTool('cluster_status', {
    title: 'Cluster pin status',
    description: 'Status of one CID across all cluster peers (state per peer, replication health), or of every pin in the cluster pinset when no CID is given.',
    inputSchema: z.object({ cid: z.string().min(1).optional().describe('a CID in the cluster pinset; omit for every pin') }),
    outputSchema: z.object({
      cluster: z.string().describe('cluster name'),
      writer: z.boolean().describe('whether this node may change the pinset'),
      pins: z.array(cidStatusSchema).describe('status of the CID asked for, or of every pin')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('cluster_status', async (args) => {
    const pins = args.cid === undefined ? cluster.statusAll() : [cluster.status(args.cid)]
    return toolResult({ cluster: cluster.name, writer: cluster.writer, pins: pins.map(statusJson) })
  }, ctx.onUnexpectedError))

  server.registerTool('cluster_peers', {
    title: 'Cluster peers',
    description: 'Peers of the cluster with the metrics each publishes (free space, pinned bytes, kind, tags) and whether they are live.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      peers: z.array(z.object({
        peerId: z.string().describe('libp2p peer id'),
        kind: z.enum(['browser', 'relay']).describe('where the peer runs'),
        freeSpace: z.number().describe('bytes it can still store'),
        pinnedBytes: z.number().describe('bytes of cluster pins it holds'),
        tags: z.array(z.string()).describe('allocation tags'),
        live: z.boolean().describe('heard from within the peer timeout'),
        self: z.boolean().describe('this node'),
        silentMs: z.number().describe('ms since it was last heard from')
      })).describe('the peers')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('cluster_peers', async () => {
    return toolResult({ peers: cluster.peers().map(p => ({ peerId: p.peerId, kind: p.kind, freeSpace: p.freeSpace, pinnedBytes: p.pinnedBytes, tags: p.tags, live: p.live, self: p.self, silentMs: p.silentMs })) })
  }, ctx.onUnexpectedError))

  server.registerTool('cluster_pin', {
    title: 'Pin in the cluster',
    description: 'Add a CID to the cluster pinset with a replication factor: it is allocated to peers (relays first) and each allocated peer fetches and pins it. Returns at once; follow progress with cluster_status. ERR_CLUSTER_READ_ONLY when this node may not write.',
    inputSchema: z.object({
      cid: z.string().min(1).describe('CID to pin'),
      name: z.string().max(255).optional().describe('a human name for the pin'),
      replicationMin: z.number().int().min(1).optional().describe('fewest copies to keep (repair restores this)'),
      replicationMax: z.number().int().min(-1).optional().describe('most copies to make (-1 = every peer)'),
      tags: z.array(z.string().min(1).max(64)).optional().describe('tags matched against peer tags when allocating')
    }),
    outputSchema: cidStatusSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('cluster_pin', async (args, extra: ToolExtra) => {
    const pin = await cluster.pin(args.cid, { name: args.name, replicationMin: args.replicationMin, replicationMax: args.replicationMax, tags: args.tags, signal: extra.signal })
    return toolResult(statusJson(cluster.status(pin.cid)))
  }, ctx.onUnexpectedError))
}
