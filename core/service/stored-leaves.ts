import * as raw from 'multiformats/codecs/raw'
import { multihashKey } from '../blocks/block-key.ts'
import type { CID } from 'multiformats/cid'

/** Leaves remembered per add at most: 64 GiB of 1 MiB leaves, a few MiB of keys. Past it, the pin asks the store. */
export const MAX_STORED_LEAVES = 65_536

/**
 * The raw leaves one add has stored, so the pin that follows it proves them without asking the store: the add holds
 * the write guard until its pin is recorded, so no collection can remove them in between. Without this the pin's
 * walk asked the store about every leaf it had just written (in the browser, a message to the storage worker and an
 * IndexedDB read each: about 35 ms of a 64 MiB pin).
 */
export class StoredLeaves {
  private readonly keys = new Set<string>()

  /** Note a block the store has acknowledged; blocks with links are not kept (the pin reads them anyway). */
  readonly note = (cid: CID): void => {
    if (cid.code !== raw.code || this.keys.size >= MAX_STORED_LEAVES) return
    this.keys.add(multihashKey(cid))
  }

  /** Whether this add stored the block. */
  readonly has = (cid: CID): boolean => this.keys.has(multihashKey(cid))
}
