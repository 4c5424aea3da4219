import { scoreCodes } from './product-quantizer.ts'
import type { ProductQuantizer } from './product-quantizer.ts'
import type { TopHeap } from './top-heap.ts'

/**
 * The inverted lists of the IVF vector index, stored for scanning speed: each list keeps its unit vectors
 * contiguously in one `Float32Array` (read in order, no per-vector indirection) with the slot each row belongs to.
 * Once the index is trained these rows are the only copy of the vectors (exact scans and snapshots read them too).
 * Rows are removed by moving the list's last row into the hole. With a {@link ProductQuantizer} each row also has its
 * code (48 bytes for 384 dimensions) in a parallel array per list, which the first pass of a search scans.
 * (int8 codes scanned as numbers were tried: a quarter of the bytes, but JavaScript's int8 loads and integer sums made
 * that scan 1.6× slower than floats; the quantizer's table lookups on 32-bit words are ~8× faster.)
 */
export class IvfLists {
  readonly dimensions: number
  /** Codes the rows (undefined: rows have no codes). */
  readonly quantizer: ProductQuantizer | undefined
  private rows: Float32Array[]
  /** Codes of the rows, `quantizer.words` words per row (empty arrays without a quantizer). */
  private codes: Uint32Array[]
  private readonly words: number
  private members: Int32Array[]
  private counts: number[]
  /** List of each slot (-1: none) and the row it has there. */
  private listOfSlot: Int32Array
  private rowOfSlot: Int32Array
  /** 1 where a list's rows and codes are views of a snapshot's arrays (never written: copied on the first change). */
  private readonly shared: Uint8Array

  constructor (dimensions: number, lists: number, slots: number, quantizer?: ProductQuantizer) {
    this.dimensions = dimensions
    this.quantizer = quantizer
    this.words = quantizer?.words ?? 0
    this.rows = Array.from({ length: lists }, () => new Float32Array(16 * dimensions))
    this.codes = Array.from({ length: lists }, () => new Uint32Array(16 * this.words))
    this.members = Array.from({ length: lists }, () => new Int32Array(16))
    this.counts = Array.from({ length: lists }, () => 0)
    this.listOfSlot = new Int32Array(Math.max(16, slots)).fill(-1)
    this.rowOfSlot = new Int32Array(Math.max(16, slots))
    this.shared = new Uint8Array(lists)
  }

  /**
   * Lists from `data` (unit vectors, slot after slot) and the list of each slot. When slots are grouped by list (as
   * snapshots store them) each list is a view of its block of `data` and `codes`, nothing copied: a list is copied
   * into arrays of its own only when it first changes, so `data` and `codes` are never written (they stay the
   * caller's, who must not change them afterwards). Otherwise rows are added one by one. With a quantizer, `codes`
   * are the rows' codes in the same order (encoded here when absent).
   * Why views: copying 100k × 384 floats into fresh arrays was a third of a snapshot load (page faults of new memory).
   */
  static fromGrouped (dimensions: number, lists: number, data: Float32Array, listOfSlot: Int32Array, quantizer?: ProductQuantizer, codes?: Uint32Array): IvfLists {
    const out = new IvfLists(dimensions, lists, listOfSlot.length, quantizer)
    const n = listOfSlot.length
    const words = out.words
    let grouped = codes !== undefined || quantizer === undefined
    for (let slot = 1; slot < n && grouped; slot++) grouped = (listOfSlot[slot - 1] ?? 0) <= (listOfSlot[slot] ?? 0)
    if (!grouped) {
      for (let slot = 0; slot < n; slot++) out.add(listOfSlot[slot] ?? 0, slot, data.subarray(slot * dimensions, (slot + 1) * dimensions))
      return out
    }
    let start = 0
    while (start < n) {
      const list = listOfSlot[start] ?? 0
      let end = start
      while (end < n && listOfSlot[end] === list) end++
      const count = end - start
      out.rows[list] = data.subarray(start * dimensions, end * dimensions)
      out.codes[list] = codes === undefined ? new Uint32Array(0) : codes.subarray(start * words, end * words)
      out.shared[list] = 1
      const members = new Int32Array(count)
      out.members[list] = members
      for (let row = 0; row < count; row++) {
        members[row] = start + row
        out.listOfSlot[start + row] = list
        out.rowOfSlot[start + row] = row
      }
      out.counts[list] = count
      start = end
    }
    return out
  }

  /** Number of lists. */
  get length (): number { return this.counts.length }

  /** Vectors in list `list`. */
  size (list: number): number { return this.counts[list] ?? 0 }

  /** The unit vector of `slot` (a view of its row: valid until the next change), or undefined when it is in no list. */
  vectorOf (slot: number): Float32Array | undefined {
    const list = this.listOf(slot)
    if (list < 0) return undefined
    const row = this.rowOfSlot[slot] ?? 0
    return this.rows[list]?.subarray(row * this.dimensions, (row + 1) * this.dimensions)
  }

  /** The rows of `list` (`size(list)` unit vectors, one after the other), their codes and the slot of each row: views. */
  rowsOf (list: number): { vectors: Float32Array, codes: Uint32Array, slots: Int32Array } {
    const n = this.counts[list] ?? 0
    return {
      vectors: (this.rows[list] ?? new Float32Array(0)).subarray(0, n * this.dimensions),
      codes: (this.codes[list] ?? new Uint32Array(0)).subarray(0, n * this.words),
      slots: (this.members[list] ?? new Int32Array(0)).subarray(0, n)
    }
  }

  /** The list `slot` is in, or -1. */
  listOf (slot: number): number { return slot < this.listOfSlot.length ? this.listOfSlot[slot] ?? -1 : -1 }

  /** Put the unit vector of `slot` into `list`. */
  add (list: number, slot: number, unit: Float32Array): void {
    this.remove(slot)
    this.ensureSlots(slot + 1)
    const row = this.counts[list] ?? 0
    this.ensureRows(list, row + 1)
    this.rows[list]?.set(unit, row * this.dimensions)
    const codes = this.codes[list]
    if (this.quantizer !== undefined && codes !== undefined) this.quantizer.encode(unit, codes, row * this.words)
    const members = this.members[list] ?? new Int32Array(0)
    members[row] = slot
    this.counts[list] = row + 1
    this.listOfSlot[slot] = list
    this.rowOfSlot[slot] = row
  }

  /** Take `slot` out of its list, if it is in one. */
  remove (slot: number): void {
    const list = this.listOf(slot)
    if (list < 0) return
    const row = this.rowOfSlot[slot] ?? 0
    const last = (this.counts[list] ?? 1) - 1
    if (row !== last) this.ensureRows(list, last + 1)
    const rows = this.rows[list] ?? new Float32Array(0)
    const members = this.members[list] ?? new Int32Array(0)
    if (row !== last) {
      const d = this.dimensions
      rows.copyWithin(row * d, last * d, (last + 1) * d)
      const w = this.words
      this.codes[list]?.copyWithin(row * w, last * w, (last + 1) * w)
      const moved = members[last] ?? 0
      members[row] = moved
      this.rowOfSlot[moved] = row
    }
    this.counts[list] = last
    this.listOfSlot[slot] = -1
  }

  /** Cosine of `query` (a unit vector) with every row of `list`, handed to `take(slot, score)` when above `floor()`. */
  scan (list: number, query: Float32Array, floor: () => number, take: (slot: number, score: number) => void): void {
    const n = this.counts[list] ?? 0
    const rows = this.rows[list] ?? new Float32Array(0)
    const members = this.members[list] ?? new Int32Array(0)
    const d = this.dimensions
    let min = floor()
    for (let row = 0, base = 0; row < n; row++, base += d) {
      let sum = 0
      let i = 0
      for (; i + 3 < d; i += 4) {
        sum += (rows[base + i] ?? 0) * (query[i] ?? 0) + (rows[base + i + 1] ?? 0) * (query[i + 1] ?? 0) +
          (rows[base + i + 2] ?? 0) * (query[i + 2] ?? 0) + (rows[base + i + 3] ?? 0) * (query[i + 3] ?? 0)
      }
      for (; i < d; i++) sum += (rows[base + i] ?? 0) * (query[i] ?? 0)
      const score = sum
      if (score > min) {
        take(members[row] ?? 0, score)
        min = floor()
      }
    }
  }

  /**
   * The approximate cosine of `query` with every row of `list`, from the codes (`tables`: the quantizer's tables of
   * the query), offered to `top`. Nothing happens without a quantizer.
   */
  scanCodes (list: number, tables: Float32Array, top: TopHeap): void {
    const n = this.counts[list] ?? 0
    const codes = this.codes[list] ?? new Uint32Array(0)
    const members = this.members[list] ?? new Int32Array(0)
    const words = this.words
    if (words === 0) return
    let floor = top.floor
    for (let row = 0, at = 0; row < n; row++, at += words) {
      const score = scoreCodes(codes, at, words, tables)
      if (score > floor) {
        top.push(members[row] ?? 0, score)
        floor = top.floor
      }
    }
  }

  private ensureSlots (slots: number): void {
    if (slots <= this.listOfSlot.length) return
    const size = Math.max(slots, this.listOfSlot.length * 2)
    const listOf = new Int32Array(size).fill(-1)
    listOf.set(this.listOfSlot)
    const rowOf = new Int32Array(size)
    rowOf.set(this.rowOfSlot)
    this.listOfSlot = listOf
    this.rowOfSlot = rowOf
  }

  /** Room for `count` rows in `list`, in arrays of its own (a snapshot's view is copied before any write). */
  private ensureRows (list: number, count: number): void {
    const members = this.members[list] ?? new Int32Array(0)
    const shared = this.shared[list] === 1
    if (count <= members.length && !shared) return
    this.shared[list] = 0
    const size = count <= members.length ? members.length : Math.max(count, members.length * 2)
    const rows = new Float32Array(size * this.dimensions)
    rows.set(this.rows[list] ?? new Float32Array(0))
    const grown = new Int32Array(size)
    grown.set(members)
    const codes = new Uint32Array(size * this.words)
    codes.set(this.codes[list] ?? new Uint32Array(0))
    this.codes[list] = codes
    this.rows[list] = rows
    this.members[list] = grown
  }
}
