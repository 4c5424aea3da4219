import { identity } from 'multiformats/hashes/identity'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import type { MultihashHasher } from 'multiformats/hashes/interface'

/**
 * Hash functions a block can be verified with, by multihash code. `multiformats/hashes/sha2` resolves to
 * node:crypto in Node and WebCrypto in browsers through its package exports, so this file stays runtime-neutral.
 */
const HASHERS = new Map<number, MultihashHasher>([
  [sha256.code, sha256],
  [sha512.code, sha512],
  [identity.code, identity]
])

/** The hasher for a multihash code, or undefined when this node cannot verify it. */
export function hasherFor (code: number): MultihashHasher | undefined {
  return HASHERS.get(code)
}

/** Register another hasher (e.g. blake3) so blocks using it can be verified. */
export function registerHasher (hasher: MultihashHasher): void {
  HASHERS.set(hasher.code, hasher)
}
