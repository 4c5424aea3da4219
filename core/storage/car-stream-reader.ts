/**
 * A `BytesReader` for `@ipld/car`'s decoder over a stream of chunks, kept in a `Uint8ArrayList` (libp2p's list of
 * byte arrays). A block that lies inside one network chunk is returned as a view of it, and one that spans chunks is
 * copied once. The library's own stream reader copies its whole buffer whenever a read needs more bytes than it
 * holds (every chunk boundary, and the rest of the buffer again on the next one), which doubled the copies and the
 * garbage of every verified read from a backend.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import type { createDecoder } from '@ipld/car/decoder'

/** The reader interface `@ipld/car/decoder` consumes. */
export type CarBytesReader = Parameters<typeof createDecoder>[0]

/**
 * @example
 * ```ts
 * const decoder = createDecoder(chunkListReader(response.body))
 * const { roots } = await decoder.header()
 * for await (const { cid, bytes } of decoder.blocks()) { ... }
 * ```
 */
export function chunkListReader (source: AsyncIterable<Uint8Array>): CarBytesReader {
  const iterator = source[Symbol.asyncIterator]()
  const list = new Uint8ArrayList()
  let pos = 0
  let ended = false
  const fill = async (length: number): Promise<void> => {
    while (list.byteLength < length && !ended) {
      const next = await iterator.next()
      if (next.done === true) ended = true
      else if (next.value.byteLength > 0) list.append(next.value)
    }
  }
  return {
    async upTo (length: number): Promise<Uint8Array> {
      if (list.byteLength < length) await fill(length)
      return list.subarray(0, Math.min(length, list.byteLength))
    },
    async exactly (length: number, seek = false): Promise<Uint8Array> {
      if (list.byteLength < length) await fill(length)
      if (list.byteLength < length) throw new Error('Unexpected end of data')
      const out = list.subarray(0, length)
      if (seek) {
        list.consume(length)
        pos += length
      }
      return out
    },
    seek (length: number): void {
      list.consume(length)
      pos += length
    },
    get pos (): number {
      return pos
    }
  }
}
