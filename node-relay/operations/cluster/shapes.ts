import { z } from 'zod'
import { metadataField } from '../fields.ts'

/** One peer's state of one pin. */
export const peerPinStatus = z.object({
  state: z.enum(['queued', 'pinning', 'pinned', 'error', 'unpin_queued', 'unpinning', 'unpinned', 'remote']).describe('this peer\'s state of the pin'),
  error: z.string().optional().describe('why it is in error (stable code first)'),
  at: z.number().describe('epoch ms of the last change')
})

/** An entry of the replicated pinset. */
export const clusterPinShape = z.object({
  cid: z.string().describe('the pinned root'),
  name: z.string().describe('the pin\'s name'),
  replicationMin: z.number().int().describe('fewest copies wanted (repair restores this)'),
  replicationMax: z.number().int().describe('most copies wanted (-1 = every peer)'),
  allocations: z.array(z.string()).describe('peer ids that must hold it'),
  tags: z.array(z.string()).describe('allocation tags'),
  expireAt: z.number().optional().describe('epoch ms after which the pin is removed'),
  metadata: metadataField.describe('free metadata'),
  addedAt: z.number().describe('epoch ms when the pin was written'),
  addedBy: z.string().describe('peer id that wrote it'),
  recoverAt: z.number().optional().describe('epoch ms of the last recover')
})

/** Status of one CID across the cluster, as every surface shows it. */
export const cidStatusShape = z.object({
  cid: z.string().describe('the CID'),
  name: z.string().describe('the pin\'s name'),
  pin: clusterPinShape.optional().describe('the pinset entry (absent once unpinned)'),
  peers: z.record(z.string(), peerPinStatus).describe('state per peer id'),
  health: z.enum(['ok', 'under_replicated', 'error', 'pending']).describe('ok: at least replicationMin peers hold it'),
  pinnedCount: z.number().int().describe('allocated peers that report pinned')
})

type CidStatusJson = z.infer<typeof cidStatusShape>

function short (peerId: string): string {
  return peerId.length > 16 ? `…${peerId.slice(-8)}` : peerId
}

/** A status as CLI lines: the CID's health, then one line per allocated peer. */
export function statusLines (status: CidStatusJson): string[] {
  const head = `${status.cid}  ${status.health}  ${status.pinnedCount}/${status.pin?.replicationMin ?? 0} pinned${status.name === '' ? '' : `  ${status.name}`}`
  const rows = Object.entries(status.peers)
    .filter(([, s]) => s.state !== 'remote')
    .map(([peer, s]) => `  ${short(peer)}  ${s.state}${s.error === undefined ? '' : `  ${s.error}`}`)
  return [head, ...rows]
}
