import { base32 } from 'multiformats/bases/base32'
import type { CID } from 'multiformats/cid'

/**
 * A block's key: its multihash in multibase base32 (`b…`). The same bytes have the same key under any CID version
 * or codec, so stores keep one copy and DAG walks visit a block once. IndexedDB stores use it as their record key:
 * changing it would orphan every stored block. (The relay's files use `fs-layout.ts`'s key, without the prefix.)
 */
export function multihashKey (cid: CID): string {
  return base32.encode(cid.multihash.bytes)
}
