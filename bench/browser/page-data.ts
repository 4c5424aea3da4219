/** Test data and result shapes shared by the benchmark pages. */

/** Block size of the raw and blockstore measurements (the usual UnixFS leaf before the 2025 profile). */
export const BLOCK_SIZE = 256 * 1024

/** What every page measurement returns: elapsed milliseconds of the timed part and bytes written. */
export interface PageTiming {
  ms: number
  bytes: number
}

/** What a content add reads: the bytes as one array, or a Blob read through its stream (as a File is). */
export type AddInput = 'bytes' | 'blob'

/** `sizeMiB` of random bytes in one array (getRandomValues fills at most 64 KiB per call). */
export function randomBytes (sizeMiB: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(sizeMiB * 1024 * 1024)
  for (let at = 0; at < bytes.byteLength; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
  return bytes
}

/** `sizeMiB` of random bytes as separately allocated blocks of `blockSize` (default 256 KiB). */
export function randomBlocks (sizeMiB: number, blockSize = BLOCK_SIZE): Uint8Array[] {
  const count = Math.ceil(sizeMiB * 1024 * 1024 / blockSize)
  return Array.from({ length: count }, () => {
    const bytes = new Uint8Array(blockSize)
    for (let at = 0; at < blockSize; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
    return bytes
  })
}
