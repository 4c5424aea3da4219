/**
 * How `IdbBlockstore` lays a block out in IndexedDB records. Chromium writes a value above roughly 800 KiB at
 * half the speed of smaller ones (`bench/browser/idb-add.ts --variants`, Chromium 156, 64 MiB in one
 * transaction: 256, 512 and 768 KiB values 475–590 ms; 1,000 and 1,024 KiB values 1,059–1,414 ms; 1 MiB blocks
 * stored as two 512 KiB records 502 ms). UnixFS leaves are 1 MiB by default, so a block larger than
 * {@link MAX_RECORD_BYTES} is stored as parts of that size in a second object store, and its own record holds
 * only a {@link SplitRecord} saying how many. Both are written in the same transaction, so a block is stored
 * whole or not at all.
 */
import type { PartBuffers } from './part-buffers.ts'

/** Object store of whole blocks and of split blocks' {@link SplitRecord}s, keyed by base32 multihash. */
export const BLOCKS_STORE = 'blocks'

/** Object store of split blocks' parts, keyed `[multihash key, part index]`. */
export const PARTS_STORE = 'block-parts'

/** Schema version with both object stores (version 1 had only {@link BLOCKS_STORE}). */
export const BLOCKS_DB_VERSION = 2

/** Largest value stored as one record; a larger block is split into parts of this size. */
export const MAX_RECORD_BYTES = 512 * 1024

/** The record of a block stored as parts. */
export interface SplitRecord {
  /** Number of parts in {@link PARTS_STORE}, indexed from 0. */
  parts: number
  /** The block's length in bytes. */
  size: number
}

/** What one block writes: the value under its own key, and its parts (none for a block stored whole). */
export interface BlockRecords {
  value: Uint8Array | SplitRecord
  parts: Uint8Array[]
  /** The arrays {@link blockRecords} cut from the buffers it was given: theirs again once IndexedDB has cloned them. */
  copies: Uint8Array[]
}

/**
 * The records of one block given as `chunks` (its bytes in order). Each value owns its buffer: IndexedDB's
 * structured clone copies a view's whole underlying buffer. A block in one array that owns its buffer, and chunks
 * already laid out as parts (each owning its buffer, all but the last exactly {@link MAX_RECORD_BYTES}: as
 * `WorkerBlockstore` sends blocks), are stored as they are; anything else is cut into `buffers`.
 */
export function blockRecords (chunks: readonly Uint8Array[], buffers: PartBuffers): BlockRecords {
  const [first] = chunks
  if (chunks.length === 1 && first !== undefined && owns(first) && first.byteLength <= MAX_RECORD_BYTES) {
    return { value: first, parts: [], copies: [] }
  }
  if (isPartLayout(chunks)) return { value: { parts: chunks.length, size: chunks.reduce((n, chunk) => n + chunk.byteLength, 0) }, parts: [...chunks], copies: [] }
  const size = chunks.reduce((n, chunk) => n + chunk.byteLength, 0)
  const copies = buffers.cut(chunks)
  const [only] = copies
  if (copies.length === 1 && only !== undefined) return { value: only, parts: [], copies }
  return { value: { parts: copies.length, size }, parts: copies, copies }
}

/** Whether `chunks` are already the parts of a split block. */
export function isPartLayout (chunks: readonly Uint8Array[]): boolean {
  return chunks.length > 1 && chunks.every((chunk, i) => owns(chunk) && (i === chunks.length - 1
    ? chunk.byteLength > 0 && chunk.byteLength <= MAX_RECORD_BYTES
    : chunk.byteLength === MAX_RECORD_BYTES))
}

/** Whether a stored value is a {@link SplitRecord} (anything else but a `Uint8Array` is not a block). */
export function isSplitRecord (value: unknown): value is SplitRecord {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false
  const { parts, size } = value as Partial<SplitRecord>
  return Number.isSafeInteger(parts) && Number.isSafeInteger(size)
}

/** Key of one part of a split block. */
export function partKey (key: string, index: number): [string, number] {
  return [key, index]
}

/** Every part key of the block under `key`, whatever its number of parts. */
export function partRange (key: string): IDBKeyRange {
  return IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER])
}

function owns (bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
}
