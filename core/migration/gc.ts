import type { AbortOptions } from '../abort.ts'
import type { CID } from 'multiformats/cid'

/** What the garbage collector works on. */
export interface GcComponents {
  /** Every stored block with its size, cheaply (no block reads). */
  list: (options?: AbortOptions) => AsyncIterable<{ cid: CID, size: number }>
  /** Whether a pin keeps the block (the root or any block of a pinned DAG, as Helia counts them). */
  isPinned: (cid: CID, options?: AbortOptions) => Promise<boolean>
  /** Remove one block (through every tier, so no cache keeps serving it). */
  delete: (cid: CID, options?: AbortOptions) => Promise<void>
  /** Taken exclusively for the sweep: every add, import, block put and pin record holds it shared. */
  lock: { writeLock: (options?: AbortOptions) => Promise<() => void> }
}

/** What a collection did. */
export interface GcReport {
  /** Blocks removed and their bytes. */
  removedBlocks: number
  freedBytes: number
  /** Blocks kept (pinned). */
  keptBlocks: number
  durationMs: number
  /** How long the collection waited for writes in progress to finish. */
  waitedMs: number
}

/**
 * Mark and sweep the node's blockstore: every block no pin keeps is removed. Pins cover what must stay: local pins,
 * the cluster's allocations to this node (the pin tracker pins them) and the copies migrations read from (a move's
 * source keeps its pin until the target verified). Safe against concurrent writes: the sweep holds the write guard
 * exclusively, and every add, CAR import and block put holds it shared from its first block to its pin, so a
 * collection sees either none of an add's blocks or its pin; a block written after the sweep started waits for it.
 * Unpinned blocks kept as a cache (content read back from a backend, fetched for the gateway) are collected.
 *
 * @example
 * ```ts
 * const report = await collectGarbage({ list: o => fs.list(o), isPinned: (c, o) => pins.isPinned(c, o), delete: (c, o) => blocks.delete(c, o), lock })
 * ```
 */
export async function collectGarbage (components: GcComponents, options: AbortOptions = {}): Promise<GcReport> {
  const asked = Date.now()
  const release = await components.lock.writeLock(options)
  const started = Date.now()
  const report: GcReport = { removedBlocks: 0, freedBytes: 0, keptBlocks: 0, durationMs: 0, waitedMs: started - asked }
  try {
    for await (const { cid, size } of components.list(options)) {
      options.signal?.throwIfAborted()
      if (await components.isPinned(cid, options)) {
        report.keptBlocks++
        continue
      }
      await components.delete(cid, options)
      report.removedBlocks++
      report.freedBytes += size
    }
  } finally {
    release()
    report.durationMs = Date.now() - started
  }
  return report
}
