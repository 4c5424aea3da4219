import { normalize } from './embedder.ts'
import { IvfLists } from './ivf-lists.ts'
import { kmeans } from './kmeans.ts'
import { ProductQuantizer } from './product-quantizer.ts'
import { TopHeap } from './top-heap.ts'

/** A neighbour found by {@link VectorIndex.search}. */
export interface VectorHit {
  id: string
  /** Cosine similarity, -1..1. */
  score: number
}

/** Options of one vector search. */
export interface VectorSearchOptions {
  /** Only ids this accepts are returned; forces an exact scan (filters must not lose hits to the approximation). */
  accept?: (id: string) => boolean
  /** Scan every vector instead of the nearest lists. */
  exact?: boolean
  /** Lists whose codes the first pass scans, nearest centroids first (default: every list). */
  nprobe?: number
  /** Candidates of the first pass re-ranked exactly (default {@link DEFAULT_RERANK}, at least 10 × k). */
  rerank?: number
  /** Hits scoring below this are dropped (default 0). */
  minScore?: number
}

/** Settings of a {@link VectorIndex}. */
export interface VectorIndexInit {
  dimensions: number
  /** Below this many vectors every search is exact; at this count the inverted lists are first trained (default 4096). */
  trainAt?: number
  /** Lists are retrained each time the count doubles, until it passes this (default 32768); later vectors only join lists. */
  retrainUntil?: number
  /** Most inverted lists (default 32; √n up to this, at least 16). Queries scan the codes of every list by default, so the lists only group rows (and serve `nprobe`): fewer lists make training and adding cheaper. */
  maxLists?: number
}

/** The state of a {@link VectorIndex}, compact and without deleted slots, for snapshots. */
export interface VectorIndexState {
  dimensions: number
  ids: string[]
  vectors: Float32Array
  centroids?: Float32Array
  /** List of each vector (same order as `ids`), when trained. */
  lists?: Int32Array
  /** The product quantizer's centroids, when trained. */
  codebook?: Float32Array
  /** Code of each vector (same order as `ids`, the quantizer's `words` words each), when trained. */
  codes?: Uint32Array
  trainedAt: number
}

/**
 * Candidates of the approximate first pass that are re-ranked with their float vectors (recall@10 0.97 at 100k of the
 * benchmark's hashed vectors; 600 gave 0.95, 1,500 0.98: see docs/decisions/0021-vector-index.md).
 */
export const DEFAULT_RERANK = 1000

/** Up to 4,096 rows evenly spread over `rows`, to train on. */
function sampleOf (rows: number[]): number[] {
  const stride = Math.max(1, Math.floor(rows.length / 4096))
  return rows.filter((_, i) => i % stride === 0).slice(0, 4096)
}

/** Keep the `k` best hits, best first (k is small: a sorted array beats a heap here). */
class TopK {
  readonly slots: number[] = []
  readonly scores: number[] = []
  private readonly k: number
  constructor (k: number) { this.k = k }
  get floor (): number { return this.scores.length < this.k ? -Infinity : this.scores[this.scores.length - 1] ?? -Infinity }
  push (slot: number, score: number): void {
    if (score <= this.floor) return
    let i = this.scores.length
    while (i > 0 && (this.scores[i - 1] ?? 0) < score) i--
    this.scores.splice(i, 0, score)
    this.slots.splice(i, 0, slot)
    if (this.scores.length > this.k) { this.scores.pop(); this.slots.pop() }
  }
}

/**
 * Cosine-similarity search over unit vectors: exact below a few thousand vectors, then an IVF (inverted file) index
 * with product-quantized codes: vectors are grouped around k-means centroids, each row keeps its float vector and a
 * 4-bit code per 4 dimensions. An unfiltered query scans the codes (of every list by default, of the `nprobe` nearest
 * otherwise) with table lookups, then re-ranks the best {@link DEFAULT_RERANK} exactly with their floats. This is what
 * makes vector search fast at 100k documents (docs/decisions/0021-vector-index.md).
 */
export class VectorIndex {
  readonly dimensions: number
  private readonly trainAt: number
  private readonly retrainUntil: number
  private readonly maxLists: number
  /** Unit vectors by slot, until the lists are trained (then empty). */
  private data: Float32Array
  private ids: Array<string | undefined> = []
  private readonly slots = new Map<string, number>()
  private readonly free: number[] = []
  private centroids: Float32Array | undefined
  /** Inverted lists (contiguous float rows per list), once trained: then the only copy of the vectors. */
  private lists: IvfLists | undefined
  private trainedAt = 0

  constructor (init: VectorIndexInit) {
    this.dimensions = init.dimensions
    this.trainAt = init.trainAt ?? 4096
    this.retrainUntil = init.retrainUntil ?? 32_768
    this.maxLists = init.maxLists ?? 32
    this.data = new Float32Array(1024 * this.dimensions)
  }

  /** Number of vectors held. */
  get size (): number { return this.slots.size }

  /** Whether the inverted lists are in use (searches without filters are approximate). */
  get trained (): boolean { return this.centroids !== undefined }

  /** Whether `id` has a vector. */
  has (id: string): boolean { return this.slots.has(id) }

  /** Add or replace the vector of `id` (normalised on the way in). */
  set (id: string, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new RangeError(`vector has ${vector.length} dimensions, the index ${this.dimensions}`)
    this.delete(id)
    const slot = this.free.pop() ?? this.ids.length
    if (slot === this.ids.length) this.ids.push(undefined)
    const unit = normalize(Float32Array.from(vector))
    this.ids[slot] = id
    this.slots.set(id, slot)
    if (this.lists !== undefined) {
      this.lists.add(this.nearestList(unit), slot, unit)
    } else {
      this.ensureCapacity(slot + 1)
      this.data.set(unit, slot * this.dimensions)
    }
    const n = this.slots.size
    if ((this.centroids === undefined && n >= this.trainAt) || (this.trainedAt > 0 && n >= this.trainedAt * 2 && this.trainedAt < this.retrainUntil)) this.train()
  }

  /** Remove the vector of `id`; false when there was none. */
  delete (id: string): boolean {
    const slot = this.slots.get(id)
    if (slot === undefined) return false
    this.slots.delete(id)
    this.ids[slot] = undefined
    this.free.push(slot)
    this.lists?.remove(slot)
    return true
  }

  /** The `k` nearest vectors to `query` by cosine similarity, best first. */
  search (query: Float32Array, k: number, options: VectorSearchOptions = {}): VectorHit[] {
    const unit = normalize(Float32Array.from(query))
    const top = new TopHeap(k)
    const minScore = options.minScore ?? 0
    const consider = (slot: number): void => {
      const id = this.ids[slot]
      if (id === undefined) return
      const score = this.dot(unit, slot)
      if (score < minScore || score <= top.floor) return
      if (options.accept !== undefined && !options.accept(id)) return
      top.push(slot, score)
    }
    const lists = this.lists
    if (lists === undefined) {
      for (let slot = 0; slot < this.ids.length; slot++) consider(slot)
    } else if (options.exact === true || options.accept !== undefined || lists.quantizer === undefined) {
      // every list, each row checked against the filter (the lists are the only copy of the vectors)
      const accept = options.accept
      const floor = (): number => Math.max(minScore - 1e-9, top.floor)
      const take = (slot: number, score: number): void => {
        if (score < minScore) return
        const id = this.ids[slot]
        if (id === undefined || (accept !== undefined && !accept(id))) return
        top.push(slot, score)
      }
      for (let list = 0; list < lists.length; list++) lists.scan(list, unit, floor, take)
    } else {
      // first pass: the codes of the probed lists; then the best candidates exactly, from their float rows
      const quantizer = lists.quantizer
      const nprobe = options.nprobe ?? lists.length
      const candidates = new TopHeap(Math.max(options.rerank ?? DEFAULT_RERANK, 10 * k, k))
      const tables = quantizer.tables(unit)
      const probed = nprobe >= lists.length ? Array.from({ length: lists.length }, (_, list) => list) : this.nearestLists(unit, nprobe)
      for (const list of probed) lists.scanCodes(list, tables, candidates)
      for (const [slot] of candidates.sorted()) {
        const vector = lists.vectorOf(slot)
        if (vector === undefined) continue
        let score = 0
        for (let i = 0; i < unit.length; i++) score += (unit[i] ?? 0) * (vector[i] ?? 0)
        if (score >= minScore) top.push(slot, score)
      }
    }
    return top.sorted().map(([slot, score]) => ({ id: this.ids[slot] ?? '', score }))
  }

  /** A compact copy of the state, for snapshots (vectors grouped by list, so that a load copies each list in one block). */
  state (): VectorIndexState {
    const ids: string[] = []
    const d = this.dimensions
    const vectors = new Float32Array(this.slots.size * d)
    const lists = this.lists
    if (lists === undefined) {
      for (const [id, slot] of this.slots) {
        vectors.set(this.data.subarray(slot * d, (slot + 1) * d), ids.length * d)
        ids.push(id)
      }
      return { dimensions: d, ids, vectors, centroids: this.centroids, trainedAt: this.trainedAt }
    }
    const listOfRow = new Int32Array(this.slots.size)
    const words = lists.quantizer?.words ?? 0
    const codes = new Uint32Array(this.slots.size * words)
    for (let list = 0; list < lists.length; list++) {
      const rows = lists.rowsOf(list)
      vectors.set(rows.vectors, ids.length * d)
      codes.set(rows.codes, ids.length * words)
      for (const slot of rows.slots) {
        listOfRow[ids.length] = list
        ids.push(this.ids[slot] ?? '')
      }
    }
    const quantized = lists.quantizer === undefined ? {} : { codebook: lists.quantizer.codebook, codes }
    return { dimensions: d, ids, vectors, centroids: this.centroids, lists: listOfRow, ...quantized, trainedAt: this.trainedAt }
  }

  /**
   * Rebuild an index from {@link VectorIndex.state} without retraining or reassigning anything. A trained state
   * without codes (made before the quantizer existed) gets a quantizer trained on a sample and its rows encoded.
   */
  static fromState (state: VectorIndexState, init: Omit<VectorIndexInit, 'dimensions'> = {}): VectorIndex {
    const index = new VectorIndex({ ...init, dimensions: state.dimensions })
    const n = state.ids.length
    index.ids = [...state.ids]
    state.ids.forEach((id, slot) => index.slots.set(id, slot))
    index.trainedAt = state.trainedAt
    if (state.centroids !== undefined && state.lists !== undefined) {
      index.centroids = state.centroids
      // the lists are views of the snapshot's vectors (a list is copied when it first changes)
      const quantizer = state.codebook !== undefined && state.codes !== undefined
        ? new ProductQuantizer(state.dimensions, state.codebook)
        : ProductQuantizer.train(state.vectors, state.dimensions, sampleOf(Array.from({ length: n }, (_, row) => row)))
      const codes = state.codebook !== undefined ? state.codes : undefined
      index.lists = IvfLists.fromGrouped(state.dimensions, state.centroids.length / state.dimensions, state.vectors, state.lists, quantizer, codes)
      index.data = new Float32Array(0)
    } else {
      index.data = new Float32Array(Math.max(1024, n) * state.dimensions)
      index.data.set(state.vectors)
    }
    return index
  }

  private dot (unit: Float32Array, slot: number): number {
    const data = this.data
    const base = slot * this.dimensions
    let sum = 0
    for (let i = 0; i < unit.length; i++) sum += (unit[i] ?? 0) * (data[base + i] ?? 0)
    return sum
  }

  private nearestLists (unit: Float32Array, nprobe: number): number[] {
    const centroids = this.centroids ?? new Float32Array(0)
    const top = new TopK(nprobe)
    const count = centroids.length / this.dimensions
    for (let list = 0; list < count; list++) {
      let sum = 0
      const base = list * this.dimensions
      for (let i = 0; i < unit.length; i++) sum += (unit[i] ?? 0) * (centroids[base + i] ?? 0)
      top.push(list, sum)
    }
    return top.slots
  }

  /** The list whose centroid is nearest to `unit` (a tight loop: every vector added pays it once). */
  private nearestList (unit: Float32Array): number {
    const centroids = this.centroids ?? new Float32Array(0)
    const d = this.dimensions
    const count = centroids.length / d
    let best = 0
    let bestScore = -Infinity
    for (let list = 0, base = 0; list < count; list++, base += d) {
      let s0 = 0
      let s1 = 0
      let i = 0
      for (; i + 1 < d; i += 2) {
        s0 += (unit[i] ?? 0) * (centroids[base + i] ?? 0)
        s1 += (unit[i + 1] ?? 0) * (centroids[base + i + 1] ?? 0)
      }
      if (i < d) s0 += (unit[i] ?? 0) * (centroids[base + i] ?? 0)
      if (s0 + s1 > bestScore) { bestScore = s0 + s1; best = list }
    }
    return best
  }

  /** Every live vector by slot, gathered from the lists (for retraining; the lists hold the only copy). */
  private gather (lists: IvfLists): Float32Array {
    const d = this.dimensions
    const data = new Float32Array(this.ids.length * d)
    for (const slot of this.slots.values()) {
      const vector = lists.vectorOf(slot)
      if (vector !== undefined) data.set(vector, slot * d)
    }
    return data
  }

  private train (): void {
    const live = [...this.slots.values()]
    const d = this.dimensions
    const data = this.lists === undefined ? this.data : this.gather(this.lists)
    const nlist = Math.min(this.maxLists, Math.max(16, Math.round(Math.sqrt(live.length))))
    const sample = sampleOf(live)
    this.centroids = kmeans(data, d, sample, nlist, 6)
    const lists = new IvfLists(d, nlist, this.ids.length, ProductQuantizer.train(data, d, sample))
    for (const slot of live) {
      const unit = data.subarray(slot * d, (slot + 1) * d)
      lists.add(this.nearestList(unit), slot, unit)
    }
    this.lists = lists
    // from now on the lists are the only copy of the vectors
    this.data = new Float32Array(0)
    this.trainedAt = live.length
  }

  private ensureCapacity (slots: number): void {
    if (slots * this.dimensions <= this.data.length) return
    const grown = new Float32Array(Math.max(slots * this.dimensions, this.data.length * 2))
    grown.set(this.data)
    this.data = grown
  }
}
