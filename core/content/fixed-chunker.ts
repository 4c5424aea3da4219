import type { LeafBufferPool } from './leaf-pool.ts'
import type { Chunker } from 'ipfs-unixfs-importer/chunker'

/**
 * A fixed-size chunker with the same output as `ipfs-unixfs-importer`'s `fixedSize` (every chunk `chunkSize`
 * bytes but the last; one empty chunk for an empty file), built for sources that arrive in pieces smaller than
 * a chunk: an HTTP body comes off the socket in pieces of at most 64 KiB, sixteen to a 1 MiB leaf.
 *
 * The importer's chunker appends pieces to a `Uint8ArrayList` and concatenates them with `Buffer.concat` into a
 * fresh buffer from `allocUnsafe`; profiled on the relay's add, that copy was the largest single cost of a 64 KiB
 * stream (2.4 s of 7 s for three 256 MiB adds). Here each chunk is one zeroed `Uint8Array` that pieces are copied
 * into as they arrive, and a piece that is exactly a whole chunk at a chunk boundary (a 1 MiB file read) is
 * passed on without a copy. The last, shorter chunk is copied out to its own size. With a `pool`, a chunk's buffer
 * comes from it (the leaf writer returns it once the block is written); without one each chunk is a new buffer.
 */
export function fixedSizeChunker (chunkSize: number, pool?: LeafBufferPool): Chunker {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunk size must be a positive integer, got ${chunkSize}`)
  return async function * chunk (source) {
    let current: Uint8Array | undefined
    let filled = 0
    let emitted = false
    for await (const piece of source) {
      let offset = 0
      if (filled === 0 && piece.byteLength === chunkSize) {
        emitted = true
        yield piece
        continue
      }
      while (offset < piece.byteLength) {
        current ??= pool?.size === chunkSize ? pool.take() : new Uint8Array(chunkSize)
        const take = Math.min(chunkSize - filled, piece.byteLength - offset)
        current.set(offset === 0 && take === piece.byteLength ? piece : piece.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === chunkSize) {
          emitted = true
          yield current
          current = undefined
          filled = 0
        }
      }
    }
    // a copy of the tail, not a view: a view would keep (and IndexedDB would store) the whole chunk's buffer
    if (filled > 0 && current !== undefined) {
      const tail = current.slice(0, filled)
      pool?.give(current)
      yield tail
    } else if (!emitted) {
      yield new Uint8Array(0)
    }
  }
}
