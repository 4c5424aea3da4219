/** Options a put carries through Helia's blockstore layers to the store underneath. */
import type { AbortOptions } from '../abort.ts'

/** Options of a put, and of the `has` Helia runs before it (Helia hands `has` the put's options). */
export interface RewriteOptions extends AbortOptions {
  /**
   * The caller accepts that a block already stored is written again rather than wait to learn that it is there.
   * Helia's put asks `has` first, to skip duplicates. A store whose `has` would wait behind its own writes in
   * flight may then answer false at once: IndexedDB starts a read only after every earlier write transaction over
   * the same object store, so during an add each leaf's duplicate check waited for the previous batch's commit,
   * and the writes and the hashing took turns instead of overlapping. An add sets it for the blocks it makes.
   */
  mayRewrite?: boolean
}
