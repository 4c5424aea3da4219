import { matches } from './policy.ts'
import type { ContentItem, Policy, PolicyAction } from './policy.ts'
import type { BackendCapabilities, CostProfile } from '../storage/backend.ts'

/** What the planner knows of a backend. */
export interface PlannerBackend {
  name: string
  cost: CostProfile
  capabilities: Pick<BackendCapabilities, 'read' | 'write' | 'delete'>
}

/** The cost of one planned item, US dollars. */
export interface ItemCost {
  /** Reading the content out of its source once (egress). */
  egressUsd: number
  /** Requests at the targets (where the profile prices them). */
  requestUsd: number
  /** Storage added per month at the targets. */
  addedUsdPerMonth: number
  /** Storage no longer paid per month at the source (move, evict, expire). */
  removedUsdPerMonth: number
}

/** One thing the plan will do. */
export interface PlanItem {
  cid: string
  name: string
  policy: string
  action: PolicyAction
  priority: number
  /** Where the content is read from (copy, move) or removed from (move, evict); undefined for expire. */
  source?: string
  /** Backends that get a copy (copy, move); for expire, every backend losing its copy. */
  targets: string[]
  bytes: number
  cost: ItemCost
  /** `removedUsdPerMonth - addedUsdPerMonth`: positive when the plan saves money each month. */
  savingUsdPerMonth: number
}

/** Content a policy matched but that the plan leaves alone, and why. */
export interface SkippedItem { cid: string, policy: string, reason: string }

/** A plan: what would run, what it costs, what it saves. */
export interface Plan {
  items: PlanItem[]
  skipped: SkippedItem[]
  totals: { items: number, bytes: number, oneTimeUsd: number, addedUsdPerMonth: number, removedUsdPerMonth: number, savingUsdPerMonth: number }
}

/** What {@link plan} needs. */
export interface PlanInput {
  policies: readonly Policy[]
  items: Iterable<ContentItem>
  backends: readonly PlannerBackend[]
  /** The node's own backend (default `local`). */
  local?: string
  /** Time of planning, ms since the epoch (plans are a pure function of their inputs). */
  now: number
}

const GB = 1e9
/** Requests one DAG costs at a target: one object for CAR-layout backends (the usual case). */
const REQUESTS_PER_COPY = 1

function round (usd: number): number {
  return Math.round(usd * 1e9) / 1e9
}

/** Policies in the order they decide: enabled only, priority high to low, then name. */
export function orderPolicies (policies: readonly Policy[]): Policy[] {
  return policies.filter(p => p.enabled).sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name))
}

/**
 * Turn policies and what the reference index knows into a plan: for each CID, the first matching policy (priority,
 * then name) decides; items with nothing left to do (the targets already hold verified copies, no copy to evict)
 * are skipped with the reason. Costs come from the backends' profiles. Deterministic: the same inputs give the same
 * plan, ordered by priority, then CID.
 */
export function plan (input: PlanInput): Plan {
  const local = input.local ?? 'local'
  const byName = new Map(input.backends.map(b => [b.name, b]))
  const ordered = orderPolicies(input.policies)
  const items: PlanItem[] = []
  const skipped: SkippedItem[] = []
  for (const item of input.items) {
    const policy = ordered.find(p => matches(p.match, item, input.now))
    if (policy === undefined) continue
    const decided = decide(policy, item, local, byName)
    if ('reason' in decided) skipped.push({ cid: item.cid, policy: policy.name, reason: decided.reason })
    else items.push(decided)
  }
  items.sort((a, b) => b.priority - a.priority || a.cid.localeCompare(b.cid))
  skipped.sort((a, b) => a.cid.localeCompare(b.cid))
  const sum = (f: (i: PlanItem) => number): number => round(items.reduce((total, i) => total + f(i), 0))
  return {
    items,
    skipped,
    totals: {
      items: items.length,
      bytes: items.reduce((total, i) => total + i.bytes, 0),
      oneTimeUsd: sum(i => i.cost.egressUsd + i.cost.requestUsd),
      addedUsdPerMonth: sum(i => i.cost.addedUsdPerMonth),
      removedUsdPerMonth: sum(i => i.cost.removedUsdPerMonth),
      savingUsdPerMonth: sum(i => i.savingUsdPerMonth)
    }
  }
}

function decide (policy: Policy, item: ContentItem, local: string, byName: Map<string, PlannerBackend>): PlanItem | { reason: string } {
  const held = new Set(item.copies.map(c => c.backend))
  const base = { cid: item.cid, name: item.name, policy: policy.name, action: policy.action, priority: policy.priority, bytes: item.size }
  const gb = item.size / GB
  const storage = (name: string): number => (byName.get(name)?.cost.storageUsdPerGbMonth ?? 0) * gb
  const finish = (source: string | undefined, targets: string[], removed: string[]): PlanItem => {
    const egressUsd = source === undefined || targets.length === 0 ? 0 : (byName.get(source)?.cost.egressUsdPerGb ?? 0) * gb
    const requestUsd = targets.reduce((total, t) => total + (byName.get(t)?.cost.requestUsdPer1000 ?? 0) * REQUESTS_PER_COPY / 1000, 0)
    const addedUsdPerMonth = targets.reduce((total, t) => total + storage(t), 0)
    const removedUsdPerMonth = removed.reduce((total, r) => total + storage(r), 0)
    return {
      ...base,
      ...(source === undefined ? {} : { source }),
      targets,
      cost: { egressUsd: round(egressUsd), requestUsd: round(requestUsd), addedUsdPerMonth: round(addedUsdPerMonth), removedUsdPerMonth: round(removedUsdPerMonth) },
      savingUsdPerMonth: round(removedUsdPerMonth - addedUsdPerMonth)
    }
  }
  for (const name of [...(policy.to ?? []), ...(policy.from === undefined ? [] : [policy.from])]) {
    const backend = byName.get(name)
    if (backend === undefined) return { reason: `backend "${name}" is not configured` }
  }
  switch (policy.action) {
    case 'copy':
    case 'move': {
      const from = policy.from ?? local
      const targets = (policy.to ?? []).filter(t => !held.has(t))
      if (targets.some(t => byName.get(t)?.capabilities.write !== true)) return { reason: `a target of ${policy.name} cannot be written` }
      if (policy.action === 'copy') {
        if (targets.length === 0) return { reason: 'every target already holds a verified copy' }
        const source = held.has(from) ? from : [...held].sort()[0]
        if (source === undefined) return { reason: 'no verified copy to copy from' }
        return finish(source, targets, [])
      }
      if (!held.has(from)) return targets.length === 0 ? { reason: `already moved: no copy on ${from}` } : { reason: `no verified copy on ${from} to move` }
      if (byName.get(from)?.capabilities.delete !== true && from !== local) return { reason: `${from} cannot delete` }
      return finish(from, targets, [from])
    }
    case 'evict': {
      const from = policy.from ?? local
      if (!held.has(from)) return { reason: `no copy on ${from}` }
      const elsewhere = [...held].filter(b => b !== from)
      if (elsewhere.length === 0) return { reason: `the copy on ${from} is the only one: evicting it would lose the content` }
      return finish(from, [], [from])
    }
    case 'expire': {
      const all = [...held].sort()
      return { ...finish(undefined, [], all), targets: all }
    }
  }
}
