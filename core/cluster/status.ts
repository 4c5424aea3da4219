import type { ReplicatedState } from './replicated-state.ts'
import type { CidStatus, ClusterPeerInfo, PeerPinStatus, PinHealth } from './types.ts'

/** What a status view needs besides the state. */
export interface StatusView {
  state: ReplicatedState
  self: string
  now: number
  /** Local receive time of each peer's last update. */
  lastHeard: (peerId: string) => number | undefined
  isLive: (peerId: string) => boolean
  /** This peer's own view of its pins (fresher than what it last published). */
  localState: (cid: string) => PeerPinStatus | undefined
}

/** Status of one CID across all peers: each allocated peer's reported state, `remote` for the others. */
export function cidStatus (view: StatusView, cid: string): CidStatus {
  const pin = view.state.pin(cid)
  const reported = view.state.statusesOf(cid)
  const own = view.localState(cid)
  if (own !== undefined && own.state !== 'remote') reported.set(view.self, own)
  const peers: Record<string, PeerPinStatus> = {}
  for (const metrics of view.state.peers()) {
    if (pin !== undefined && !pin.allocations.includes(metrics.peerId)) peers[metrics.peerId] = { state: 'remote', at: view.now }
  }
  for (const [peerId, status] of reported) {
    const allocated = pin?.allocations.includes(peerId) ?? false
    // a peer that is no longer allocated and finished unpinning shows as remote while the pin exists
    if (pin !== undefined && !allocated && (status.state === 'unpinned' || status.state === 'remote')) continue
    peers[peerId] = status
  }
  for (const peerId of pin?.allocations ?? []) peers[peerId] ??= { state: 'queued', at: pin?.addedAt ?? view.now }
  const pinnedCount = (pin?.allocations ?? []).filter(p => peers[p]?.state === 'pinned').length
  return { cid, name: pin?.name ?? '', ...(pin === undefined ? {} : { pin }), peers, health: healthOf(pin === undefined ? undefined : { min: pin.replicationMin, allocations: pin.allocations }, peers, pinnedCount), pinnedCount }
}

function healthOf (pin: { min: number, allocations: string[] } | undefined, peers: Record<string, PeerPinStatus>, pinnedCount: number): PinHealth {
  if (pin === undefined) return 'ok'
  if (pinnedCount >= pin.min) return 'ok'
  if (pin.allocations.some(p => peers[p]?.state === 'error')) return 'error'
  if (pin.allocations.length < pin.min) return 'under_replicated'
  return 'pending'
}

/** Every peer that published metrics, with liveness as this node sees it. */
export function peerInfos (view: StatusView): ClusterPeerInfo[] {
  return view.state.peers().map(metrics => {
    const heard = metrics.peerId === view.self ? view.now : view.lastHeard(metrics.peerId)
    const mark = view.state.mark(metrics.peerId)
    return {
      ...metrics,
      self: metrics.peerId === view.self,
      live: metrics.peerId === view.self || view.isLive(metrics.peerId),
      silentMs: heard === undefined ? -1 : Math.max(0, view.now - heard),
      ...(mark === undefined ? {} : { mark })
    }
  }).sort((a, b) => (a.peerId < b.peerId ? -1 : 1))
}
