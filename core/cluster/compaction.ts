import * as Y from 'yjs'
import { compareEpochs } from './epoch.ts'
import type { Epoch, EpochId } from './epoch.ts'

/**
 * Compaction of the cluster's Yjs document. Yjs keeps an item for every value ever written: a removed pin leaves a
 * tombstone with its key, an overwritten value (a peer's metrics every heartbeat, a pin's status) one without. The
 * state therefore grows with history, not with what is live: 100k pins added and 90k removed encoded to 2.1× a
 * fresh state holding the 10k left. Compaction writes the live entries into a new document (a new generation,
 * {@link Epoch}); peers of the old generation move into it and write again what the new document lacks of theirs
 * ({@link rebaseInto}).
 */

/** Items a document keeps for values no longer live (removed or overwritten). */
export function countTombstones (doc: Y.Doc): number {
  let count = 0
  for (const structs of doc.store.clients.values()) {
    for (const struct of structs) if (struct.deleted) count++
  }
  return count
}

/** Live entries of the named maps. */
export function countLive (doc: Y.Doc, maps: readonly string[]): number {
  let count = 0
  for (const name of maps) count += doc.getMap(name).size
  return count
}

/** A compacted copy of `doc`: its live entries in a new document, and what peers of `doc`'s generation need to move. */
export function compactDocument (doc: Y.Doc, maps: readonly string[]): { doc: Y.Doc, base: Uint8Array, start: Uint8Array } {
  const base = Y.encodeSnapshot(Y.snapshot(doc))
  const next = new Y.Doc()
  next.transact(() => {
    for (const name of maps) {
      const to = next.getMap(name)
      for (const [key, value] of doc.getMap(name).entries()) to.set(key, value)
    }
  })
  return { doc: next, base, start: Y.encodeStateVector(next) }
}

/** What {@link rebaseInto} wrote. */
export interface RebaseResult {
  /** Entries written again (changed in the old document after the compaction's snapshot). */
  set: number
  /** Entries removed (removed in the old document after the snapshot). */
  removed: number
  /** The old document was not of the new generation's parent: live entries were carried over, removals were not. */
  fallback: boolean
}

function sameValue (a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Write into `next` (of generation `epoch`) what `old` (of generation `oldEpoch`) knows and `next` lacks. Call it
 * inside a transaction on `next`.
 *
 * When `old` is of the parent generation, the compaction's snapshot of the parent tells exactly what `next` holds:
 * an entry of `old` written after it is written again, an entry removed after it is removed again. A value written
 * in the new generation after its start wins over one carried over (it was written later, by a peer that had moved).
 *
 * Otherwise (`old` missed a generation, or is a sibling compacted at the same time and lost) the histories share
 * nothing: live entries `next` lacks are carried over and removals are not, so at worst a removed pin comes back
 * rather than a pin being lost.
 */
export function rebaseInto (old: Y.Doc, oldEpoch: EpochId, next: Y.Doc, epoch: Epoch, maps: readonly string[]): RebaseResult {
  const result: RebaseResult = { set: 0, removed: 0, fallback: false }
  const parent = epoch.parent
  const precise = parent !== undefined && compareEpochs(parent, oldEpoch) === 0 && epoch.base !== undefined
  const snapshot = precise && epoch.base !== undefined ? Y.decodeSnapshot(epoch.base) : undefined
  const start = epoch.start === undefined ? new Map<number, number>() : Y.decodeStateVector(epoch.start)
  result.fallback = snapshot === undefined
  for (const name of maps) {
    const from = old.getMap(name)
    const to = next.getMap(name)
    for (const [key, item] of from._map) {
      // a write made in the new generation after it began is newer than anything carried over
      const current = to._map.get(key)
      if (current !== undefined && current.id.clock >= (start.get(current.id.client) ?? 0)) continue
      if (snapshot === undefined) {
        if (!item.deleted && !to.has(key)) {
          to.set(key, from.get(key))
          result.set++
        }
        continue
      }
      const lastClock = item.id.clock + item.length - 1
      const writtenAfter = lastClock >= (snapshot.sv.get(item.id.client) ?? 0)
      if (!item.deleted) {
        if (writtenAfter && !(to.has(key) && sameValue(to.get(key), from.get(key)))) {
          to.set(key, from.get(key))
          result.set++
        }
      } else if ((writtenAfter || !Y.isDeleted(snapshot.ds, item.id)) && to.has(key)) {
        // removed after the snapshot: created after it, or live in it and deleted since
        to.delete(key)
        result.removed++
      }
    }
  }
  return result
}
