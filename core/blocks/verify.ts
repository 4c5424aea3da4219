import { BlockCorruptError, UnsupportedHashError } from '../errors/index.ts'
import { bytesEqual } from './bytes.ts'
import { hasherFor } from './hashers.ts'
import type { CID } from 'multiformats/cid'

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
  const hasher = hasherFor(cid.multihash.code)
  if (hasher == null) {
    throw new UnsupportedHashError(`cannot verify ${cid.toString()}: multihash code 0x${cid.multihash.code.toString(16)} is not supported`)
  }
  const digest = await hasher.digest(bytes)
  if (!bytesEqual(digest.digest, cid.multihash.digest)) {
    throw new BlockCorruptError(`block ${cid.toString()} failed verification: its bytes do not match its CID`)
  }
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
