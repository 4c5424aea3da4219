/** Byte helpers for the streaming blockstore interface (blocks arrive and leave as chunk iterables). */

/** What `Blockstore.put` accepts: one array, or chunks (sync or async). */
export type BlockInput = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

/** Join chunks into one array without copying when there is only one. */
export function concatChunks (chunks: Uint8Array[], totalLength?: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0]
  const length = totalLength ?? chunks.reduce((n, c) => n + c.byteLength, 0)
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * Collect a block input into one array, stopping early with `onTooLarge` once `limit` bytes are exceeded so a
 * hostile stream cannot make us buffer without bound.
 */
export async function collectBlock (input: BlockInput, limit = Infinity, onTooLarge?: (size: number) => Error): Promise<Uint8Array> {
  if (input instanceof Uint8Array) {
    if (input.byteLength > limit && onTooLarge != null) throw onTooLarge(input.byteLength)
    return input
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of input) {
    size += chunk.byteLength
    if (size > limit && onTooLarge != null) throw onTooLarge(size)
    chunks.push(chunk)
  }
  return concatChunks(chunks, size)
}

/** Wrap one array as the single-chunk generator the blockstore interface returns. */
export function * singleChunk (bytes: Uint8Array): Generator<Uint8Array> {
  yield bytes
}

/** Wrap one array as a single-chunk async generator. */
export async function * singleChunkAsync (bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

/** Compare two byte arrays in constant structure (not constant time: digests are public). */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) return false
  }
  return true
}
