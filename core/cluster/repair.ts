import { allocate, wantedCopies } from './allocator.ts'
import type { AllocationCandidate } from './allocator.ts'
import type { ReplicatedState } from './replicated-state.ts'
import type { ClusterPin } from './types.ts'

/** What repair knows about liveness and marks at the time of one pass. */
export interface RepairView {
  state: ReplicatedState
  now: number
  /** Is this peer heard from within the peer timeout? */
  isLive: (peerId: string) => boolean
  /** Peers to avoid when allocating (marked by a failed holding check). */
  marked: ReadonlySet<string>
}

/** One change repair made. */
export type RepairAction =
  | { kind: 'expired', cid: string }
  | { kind: 'reallocated', cid: string, removed: string[], added: string[] }

/** Live peers that publish metrics, with how many pins each already holds: the allocator's input. */
export function candidatesOf (view: Pick<RepairView, 'state' | 'isLive'>, counts: ReadonlyMap<string, number> = allocationCounts(view.state)): AllocationCandidate[] {
  return view.state.peers()
    .filter(metrics => view.isLive(metrics.peerId))
    .map(metrics => ({ metrics, allocated: counts.get(metrics.peerId) ?? 0 }))
}

/** How many pins are allocated to each peer. */
export function allocationCounts (state: ReplicatedState): Map<string, number> {
  const counts = new Map<string, number>()
  for (const pin of state.pins()) for (const peer of pin.allocations) counts.set(peer, (counts.get(peer) ?? 0) + 1)
  return counts
}

/** Allocations of a pin after dropping silent peers and topping it up to its replication factor. */
export function repairedAllocations (pin: ClusterPin, view: RepairView, candidates: AllocationCandidate[], drop: ReadonlySet<string> = new Set()): string[] {
  const kept = pin.allocations.filter(peer => view.isLive(peer) && !drop.has(peer))
  const exclude = new Set([...view.marked, ...drop])
  const available = candidates.filter(c => !exclude.has(c.metrics.peerId)).length
  const want = wantedCopies(pin, Math.max(available, kept.length))
  // keep allocations that are still good; refill when a peer was lost or fewer than replicationMin remain
  if (kept.length === pin.allocations.length && kept.length >= Math.min(pin.replicationMin, available)) return pin.allocations
  return allocate({ pin, current: kept, want, candidates, exclude })
}

/**
 * One repair pass, run by the repair leader: expired pins are removed; pins allocated to silent peers lose those
 * allocations and are topped up until `replicationMin` holds again (up to `replicationMax` when peers allow).
 * Returns what it changed (already written to the state).
 */
export function repairPass (view: RepairView): RepairAction[] {
  const actions: RepairAction[] = []
  const candidates = candidatesOf(view)
  view.state.transact(() => {
    for (const pin of view.state.pins()) {
      if (pin.expireAt !== undefined && pin.expireAt <= view.now) {
        view.state.deletePin(pin.cid)
        actions.push({ kind: 'expired', cid: pin.cid })
        continue
      }
      const next = repairedAllocations(pin, view, candidates)
      if (next === pin.allocations) continue
      const removed = pin.allocations.filter(p => !next.includes(p))
      const added = next.filter(p => !pin.allocations.includes(p))
      if (removed.length === 0 && added.length === 0) continue
      view.state.setPin({ ...pin, allocations: next })
      actions.push({ kind: 'reallocated', cid: pin.cid, removed, added })
    }
  })
  return actions
}
