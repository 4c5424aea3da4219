import { BlockTooLargeError } from '../errors/index.ts'
import type { CID } from 'multiformats/cid'

/** Largest block accepted by default: 2 MiB, the limit bitswap peers enforce in practice. */
export const DEFAULT_MAX_BLOCK_SIZE = 2 * 1024 * 1024

/** The error for a block over `limit` bytes. */
export function blockTooLarge (cid: CID | undefined, size: number, limit: number): BlockTooLargeError {
  const what = cid == null ? 'block' : `block ${cid.toString()}`
  return new BlockTooLargeError(`${what} is ${size} bytes, over the ${limit} byte limit`)
}
