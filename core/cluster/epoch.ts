/**
 * Which generation of the cluster state a document belongs to. A compaction (core/cluster/compaction.ts) replaces
 * the Yjs document with a new one holding only the live entries; documents of different generations cannot merge
 * (their items have different ids), so every sync and gossip message says which generation it belongs to.
 *
 * Generation 0 is the document a cluster starts with; `n` grows by one per compaction, and `by` (the compacting
 * peer) orders two compactions of the same generation made at once (the larger id wins).
 */
export interface EpochId {
  n: number
  by: string
}

/** A generation and what a peer of its parent generation needs to move into it. */
export interface Epoch extends EpochId {
  /** The generation it was compacted from. */
  parent?: EpochId
  /** `Y.encodeSnapshot` of the parent document when it was compacted: which items the new document holds. */
  base?: Uint8Array
  /** State vector of the new document right after compaction: writes beyond it were made in this generation. */
  start?: Uint8Array
}

/** The generation of a cluster that never compacted. */
export const FIRST_EPOCH: Epoch = { n: 0, by: '' }

/** Negative when `a` is older than `b`, 0 when the same, positive when newer. */
export function compareEpochs (a: EpochId, b: EpochId): number {
  if (a.n !== b.n) return a.n - b.n
  return a.by < b.by ? -1 : a.by > b.by ? 1 : 0
}

/** The generation as one string (`''` for the first, so messages of clusters that never compacted are unchanged). */
export function epochKey (epoch: EpochId): string {
  return epoch.n === 0 ? '' : `${epoch.n}/${epoch.by}`
}

/** Parse {@link epochKey}'s string; `undefined` when malformed. */
export function parseEpochKey (key: string | undefined): EpochId | undefined {
  if (key === undefined || key === '') return { n: 0, by: '' }
  const slash = key.indexOf('/')
  const n = Number(key.slice(0, slash))
  if (slash < 1 || !Number.isSafeInteger(n) || n < 1) return undefined
  return { n, by: key.slice(slash + 1) }
}

/** An epoch as plain data (dag-cbor), and back; `undefined` when `value` is not one. */
export function epochToData (epoch: Epoch): Record<string, unknown> {
  return {
    n: epoch.n,
    by: epoch.by,
    ...(epoch.parent === undefined ? {} : { parent: { n: epoch.parent.n, by: epoch.parent.by } }),
    ...(epoch.base === undefined ? {} : { base: epoch.base }),
    ...(epoch.start === undefined ? {} : { start: epoch.start })
  }
}

/** Read an epoch written by {@link epochToData}. */
export function epochFromData (value: unknown): Epoch | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { n, by, parent, base, start } = value as Record<string, unknown>
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || typeof by !== 'string') return undefined
  const epoch: Epoch = { n, by }
  if (typeof parent === 'object' && parent !== null) {
    const p = parent as Record<string, unknown>
    if (typeof p.n === 'number' && typeof p.by === 'string') epoch.parent = { n: p.n, by: p.by }
  }
  if (base instanceof Uint8Array) epoch.base = base
  if (start instanceof Uint8Array) epoch.start = start
  return epoch
}
