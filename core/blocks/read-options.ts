/** Options a read carries through the blockstore layers to the store underneath. */
import type { AbortOptions } from '../abort.ts'

/** Options of a block read whose caller checks the bytes against the CID. */
export interface VerifyingReadOptions extends AbortOptions {
  /**
   * The caller hashes what it reads to verify it. A store that can hash the bytes as it reads them, off the
   * caller's thread, may do so and record the digest with `rememberHashed`; `verifyBlock` then compares digests
   * instead of hashing the same bytes again. The relay's filesystem store reads and hashes such blocks in worker
   * threads, so a verified read no longer takes turns between file reads and SHA-256 on the event loop.
   */
  verifying?: boolean
}

/**
 * `options` for a read whose caller verifies the bytes it gets: what `VerifiedBlockstore` and the backends' DAG reads
 * pass on. A new object each time: layers below may add to the options they are given.
 */
export function verifyingRead (options: AbortOptions | undefined): VerifyingReadOptions {
  return { ...options, verifying: true }
}
