import { sha256 } from 'multiformats/hashes/sha2'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/** A leaf hashed: its SHA-256 multihash, and its bytes (the same array, or one handed back by a worker). */
export interface HashedLeaf {
  multihash: MultihashDigest<typeof sha256.code>
  /** The leaf's bytes from now on: the array given may be unusable (transferred to a worker) once hashing starts. */
  bytes: Uint8Array
}

/**
 * SHA-256 of a raw leaf for the add pipeline. The default hashes where the add runs; the browser node passes one
 * that hashes in workers (`app/content/worker-leaf-hasher.ts`), so a page's main thread does not pay WebCrypto's
 * synchronous copy of each leaf. A hasher may move the bytes to another thread and hand back a new array for them:
 * callers use `HashedLeaf.bytes` afterwards, never the array they passed.
 */
export type LeafHasher = (bytes: Uint8Array, options: LeafHashOptions) => Promise<HashedLeaf>

/** Options of one {@link LeafHasher} call. */
export interface LeafHashOptions {
  /**
   * The add owns `bytes` and their whole buffer (a leaf buffer it made), so the hasher may move that buffer to
   * another thread. False for arrays that may be the caller's own (a whole 1 MiB input passed through uncopied).
   */
  movable: boolean
}

/** Hash a leaf on this thread (node:crypto in Node, WebCrypto in browsers, through multiformats). */
export const hashLeafHere: LeafHasher = async bytes => ({ multihash: await sha256.digest(bytes), bytes })
