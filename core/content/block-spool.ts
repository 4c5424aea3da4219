import type { AbortOptions } from '../abort.ts'
import type { CID } from 'multiformats/cid'

/**
 * Where a CAR import keeps its verified blocks until the whole CAR has been checked: nothing reaches the blockstore
 * before every block of the CAR verified, so a bad CAR needs no rollback (a rollback could delete a block another
 * upload wrote and pinned meanwhile). The relay spools to a temp file in its data directory (bounded memory); a
 * spool is used once.
 */
export interface BlockSpool {
  /** Keep one verified block. */
  append: (cid: CID, bytes: Uint8Array) => Promise<void>
  /** Every appended block, in order; call once, after the last append. */
  blocks: (options?: AbortOptions) => AsyncIterable<{ cid: CID, bytes: Uint8Array }>
  /** Delete what the spool holds (always called, whether the import succeeded or not). */
  discard: () => Promise<void>
}

/** Makes a fresh spool for one import. */
export type SpoolFactory = () => Promise<BlockSpool>

/** A spool in memory: for stores without a filesystem (tests, small imports in a browser). */
export function memorySpool (): BlockSpool {
  let held: Array<{ cid: CID, bytes: Uint8Array }> = []
  return {
    append: async (cid, bytes) => { held.push({ cid, bytes }) },
    blocks: async function * (options) {
      for (const block of held) {
        options?.signal?.throwIfAborted()
        yield block
      }
    },
    discard: async () => { held = [] }
  }
}
