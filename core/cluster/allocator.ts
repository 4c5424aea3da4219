import type { ClusterPin, PeerMetrics } from './types.ts'

/** What the allocator sees of a candidate peer. */
export interface AllocationCandidate {
  metrics: PeerMetrics
  /** Pins already allocated to it (balances the load). */
  allocated: number
}

/** A request for allocations. */
export interface AllocationRequest {
  pin: Pick<ClusterPin, 'tags'>
  /** Peers already holding or allocated (kept, never picked again). */
  current: readonly string[]
  /** How many peers in total the pin should have. */
  want: number
  candidates: readonly AllocationCandidate[]
  /** Peers never to pick (silent, or failed a holding check). */
  exclude?: ReadonlySet<string>
}

function tagOverlap (peerTags: readonly string[], pinTags: readonly string[]): number {
  let n = 0
  for (const tag of pinTags) if (peerTags.includes(tag)) n++
  return n
}

/**
 * The balanced allocator: keep current allocations, then add peers until `want` is reached, preferring (in this
 * order) relays over browsers (durability), peers sharing more of the pin's tags, peers with fewer allocated pins,
 * more free space, and finally the peer id (so every peer computes the same answer from the same state).
 *
 * @example
 * ```ts
 * const peers = allocate({ pin, current: [], want: 2, candidates })
 * ```
 */
export function allocate (request: AllocationRequest): string[] {
  const chosen = [...request.current]
  const need = request.want - chosen.length
  if (need <= 0) return chosen
  const ranked = request.candidates
    .filter(c => !chosen.includes(c.metrics.peerId) && request.exclude?.has(c.metrics.peerId) !== true)
    .filter(c => c.metrics.freeSpace > 0)
    .sort((a, b) =>
      kindRank(a.metrics) - kindRank(b.metrics) ||
      tagOverlap(b.metrics.tags, request.pin.tags) - tagOverlap(a.metrics.tags, request.pin.tags) ||
      a.allocated - b.allocated ||
      b.metrics.freeSpace - a.metrics.freeSpace ||
      (a.metrics.peerId < b.metrics.peerId ? -1 : a.metrics.peerId > b.metrics.peerId ? 1 : 0))
  for (const candidate of ranked.slice(0, need)) chosen.push(candidate.metrics.peerId)
  return chosen
}

function kindRank (metrics: PeerMetrics): number {
  return metrics.kind === 'relay' ? 0 : 1
}

/** How many peers a pin wants given how many are available (`replicationMax` -1 means all of them). */
export function wantedCopies (pin: Pick<ClusterPin, 'replicationMin' | 'replicationMax'>, available: number): number {
  const max = pin.replicationMax < 0 ? available : pin.replicationMax
  return Math.max(1, Math.min(max, Math.max(available, pin.replicationMin)))
}
