import { BlockCorruptError, UnsupportedHashError } from '../errors/index.ts'
import { bytesEqual } from './bytes.ts'
import { hasherFor } from './hashers.ts'
import type { CID } from 'multiformats/cid'
import type { MultihashDigest, MultihashHasher } from 'multiformats/hashes/interface'

/**
 * Byte arrays already hashed in this process, with the multihash they hashed to. A block fetched from a peer is
 * hashed when Helia checks it; the reader's verified store then finds it here instead of hashing its megabyte again
 * (SHA-256 was the largest cost on a browser tab's main thread while reading over WebRTC). A memory cache hands back
 * the very same array on every hit, so a hit costs a lookup too. Weak: an entry goes with its array. Blocks are
 * never written to after they are hashed; an array that is reused for other bytes hashes again, since its new
 * CID differs from the one remembered.
 */
const HASHED = new WeakMap<Uint8Array, Uint8Array>()

/** Whether `bytes` were hashed here before to exactly `cid`'s multihash. */
function hashedAs (cid: CID, bytes: Uint8Array): boolean {
  const remembered = HASHED.get(bytes)
  return remembered !== undefined && bytesEqual(remembered, cid.multihash.bytes)
}

/**
 * `hasher`, remembering each result for {@link verifyBlock}: give it to Helia (`hashers`) so a block Helia checked
 * on arrival is not hashed again when it is read.
 *
 * @example
 * ```ts
 * createHeliaLight({ blockstore, datastore, hashers: [rememberingHasher(sha256)] })
 * ```
 */
export function rememberingHasher<Code extends number> (hasher: MultihashHasher<Code>): MultihashHasher<Code> {
  const remember = (bytes: Uint8Array, digest: MultihashDigest<Code>): MultihashDigest<Code> => {
    HASHED.set(bytes, digest.bytes)
    return digest
  }
  return {
    name: hasher.name,
    code: hasher.code,
    encode: (bytes: Uint8Array) => hasher.encode(bytes),
    digest: (bytes: Uint8Array, options?: Parameters<MultihashHasher<Code>['digest']>[1]) => {
      const digest = hasher.digest(bytes, options)
      return digest instanceof Promise ? digest.then(d => remember(bytes, d)) : remember(bytes, digest)
    }
  }
}

/**
 * Record that `bytes` hash to `multihash` (its bytes: code, length, digest), for bytes hashed where
 * {@link verifyBlock} cannot see it: the relay's filesystem store hashes blocks in worker threads as it reads them
 * (`VerifyingReadOptions.verifying`). Only for digests computed over exactly these bytes, never for a CID a block
 * merely claims: `verifyBlock` then trusts the record.
 */
export function rememberHashed (bytes: Uint8Array, multihash: Uint8Array): void {
  HASHED.set(bytes, multihash)
}

/**
 * Check that `bytes` hash to the multihash inside `cid`. Throws `BlockCorruptError` (`ERR_BLOCK_CORRUPT`) on a
 * mismatch and `UnsupportedHashError` when the hash function is unknown, so unverified bytes are never returned.
 *
 * @example
 * ```ts
 * await verifyBlock(cid, bytes) // resolves, or throws with code ERR_BLOCK_CORRUPT
 * ```
 */
export async function verifyBlock (cid: CID, bytes: Uint8Array): Promise<void> {
  if (hashedAs(cid, bytes)) return
  const hasher = hasherFor(cid.multihash.code)
  if (hasher == null) {
    throw new UnsupportedHashError(`cannot verify ${cid.toString()}: multihash code 0x${cid.multihash.code.toString(16)} is not supported`)
  }
  const digest = await hasher.digest(bytes)
  if (!bytesEqual(digest.digest, cid.multihash.digest)) {
    throw new BlockCorruptError(`block ${cid.toString()} failed verification: its bytes do not match its CID`)
  }
  HASHED.set(bytes, cid.multihash.bytes)
}

/** True when `bytes` hash to `cid`'s multihash (false for unknown hash functions). */
export async function isValidBlock (cid: CID, bytes: Uint8Array): Promise<boolean> {
  try {
    await verifyBlock(cid, bytes)
    return true
  } catch {
    return false
  }
}
