/**
 * How `IdbBlockstore` lays a block out in IndexedDB records. Chromium writes a value above roughly 800 KiB at
 * half the speed of smaller ones (`bench/browser/idb-add.ts --variants`, Chromium 156, 64 MiB in one
 * transaction: 256, 512 and 768 KiB values 475–590 ms; 1,000 and 1,024 KiB values 1,059–1,414 ms; 1 MiB blocks
 * stored as two 512 KiB records 502 ms). UnixFS leaves are 1 MiB by default, so a block larger than
 * {@link MAX_RECORD_BYTES} is stored as parts of that size in a second object store, and its own record holds
 * only a {@link SplitRecord} saying how many. Both are written in the same transaction, so a block is stored
 * whole or not at all.
 */

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
  /** Whether the parts are copies made by {@link blockRecords} (so free again once IndexedDB has cloned them). */
  copied: boolean
}

/** Makes a buffer of `size` bytes that owns its memory. */
export type TakeBuffer = (size: number) => Uint8Array

const fresh: TakeBuffer = size => new Uint8Array(size)

/**
 * The records of one block given as `chunks` (its bytes in order). Each value owns its buffer: IndexedDB's
 * structured clone copies a view's whole underlying buffer, so a view into a larger buffer (as chunkers produce)
 * is copied out first. Chunks already laid out as parts (each owning its buffer, all but the last exactly
 * {@link MAX_RECORD_BYTES}) are stored as they are, without a copy: `WorkerBlockstore` sends blocks so.
 */
export function blockRecords (chunks: readonly Uint8Array[], take: TakeBuffer = fresh): BlockRecords {
  const size = chunks.reduce((n, chunk) => n + chunk.byteLength, 0)
  const [first] = chunks
  if (size <= MAX_RECORD_BYTES) {
    return { value: chunks.length === 1 && first !== undefined ? ownBuffer(first) : copyRange(chunks, 0, size, fresh), parts: [], copied: false }
  }
  if (isPartLayout(chunks)) return { value: { parts: chunks.length, size }, parts: [...chunks], copied: false }
  const parts: Uint8Array[] = []
  for (let at = 0; at < size; at += MAX_RECORD_BYTES) parts.push(copyRange(chunks, at, Math.min(size, at + MAX_RECORD_BYTES), take))
  return { value: { parts: parts.length, size }, parts, copied: true }
}

/** Whether `chunks` are already the parts of a split block. */
export function isPartLayout (chunks: readonly Uint8Array[]): boolean {
  return chunks.length > 1 && chunks.every((chunk, i) => owns(chunk) && (i === chunks.length - 1
    ? chunk.byteLength > 0 && chunk.byteLength <= MAX_RECORD_BYTES
    : chunk.byteLength === MAX_RECORD_BYTES))
}

/** Bytes `[start, end)` of the concatenation of `chunks`, copied into one array from `take`. */
function copyRange (chunks: readonly Uint8Array[], start: number, end: number, take: TakeBuffer): Uint8Array {
  const out = take(end - start)
  let offset = 0
  for (const chunk of chunks) {
    const from = Math.max(start - offset, 0)
    const to = Math.min(end - offset, chunk.byteLength)
    if (from < to) out.set(chunk.subarray(from, to), offset + from - start)
    offset += chunk.byteLength
    if (offset >= end) break
  }
  return out
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

function ownBuffer (bytes: Uint8Array): Uint8Array {
  return owns(bytes) ? bytes : bytes.slice()
}
