import { WordDictionary } from './word-dictionary.ts'

/**
 * The inverted index of one text field: a dictionary of its words for prefix and typo-tolerant lookups (each word's
 * term number) and, per term, the sorted document numbers that contain it in one `Uint32Array`. Tokens are unique
 * per document (Orama's tokenizer drops duplicates), so a term's frequency in a document is `1 / length`: no
 * per-document frequency records are kept, only each document's length.
 */
export class FieldPostings {
  /** Weight of this field's BM25 score. */
  readonly boost: number
  /** Every word ever seen, for prefix and typo-tolerant lookups (callers skip terms without postings). */
  readonly words = new WordDictionary()
  /** Words by term number (a word whose last document left keeps its number, with no postings). */
  wordOf: string[] = []
  /** Term number of each word: built on the first change after a snapshot load (queries look words up by prefix). */
  private termIndex: Map<string, number> | undefined = new Map()
  /**
   * Document numbers containing each term, ascending, in `lists[t].subarray(0, counts[t])`. A term without a list of
   * its own (after a snapshot load) has its documents in `saved`, from `savedAt[t]`, until its first change.
   */
  private lists: Array<Uint32Array | undefined> = []
  private counts: number[] = []
  private saved: Uint32Array = EMPTY
  private savedAt: Uint32Array = EMPTY
  /** Token count of each document in this field (0: none). */
  lengths: Uint32Array = new Uint32Array(1024)
  /** Sum of all documents' lengths. */
  totalLength = 0
  /** How many documents have each (non-zero) length: bounds BM25 scores without a pass over all documents. */
  readonly lengthCounts = new Map<number, number>()

  constructor (boost: number) {
    this.boost = boost
  }

  /**
   * Take a snapshot's postings: `docs` holds each term's documents one term after another, term `t` from `offsets[t]`
   * to `offsets[t + 1]`. `docs` is kept as it is (a view of the snapshot, never written: a term is copied into a list
   * of its own on its first change); `lengths` is copied. Only for a field nothing was added to.
   */
  loadSaved (saved: { words: string[], offsets: Uint32Array, docs: Uint32Array, lengths: Uint32Array, totalLength: number }): void {
    if (this.wordOf.length > 0) throw new Error('loadSaved into a field that has words')
    this.wordOf = saved.words
    this.termIndex = undefined
    this.saved = saved.docs
    this.savedAt = saved.offsets
    const counts = new Array<number>(saved.words.length)
    for (let t = 0; t < counts.length; t++) counts[t] = (saved.offsets[t + 1] ?? 0) - (saved.offsets[t] ?? 0)
    this.counts = counts
    this.lists = new Array<Uint32Array | undefined>(counts.length)
    this.lengths = saved.lengths.slice()
    this.totalLength = saved.totalLength
    for (const length of this.lengths) if (length > 0) this.lengthCounts.set(length, (this.lengthCounts.get(length) ?? 0) + 1)
    this.words.addAll(saved.words)
  }

  /** Number of terms (every word ever seen). */
  get termCount (): number { return this.wordOf.length }

  /** Documents containing term `t`, ascending (a view: valid until the next change). */
  docsOf (t: number): Uint32Array {
    const n = this.counts[t] ?? 0
    const list = this.lists[t]
    if (list !== undefined) return list.subarray(0, n)
    const from = this.savedAt[t] ?? 0
    return this.saved.subarray(from, from + n)
  }

  /** Index document `doc` with its (unique) tokens. */
  add (doc: number, tokens: string[]): void {
    this.ensureDocs(doc + 1)
    this.lengths[doc] = tokens.length
    this.totalLength += tokens.length
    if (tokens.length > 0) this.lengthCounts.set(tokens.length, (this.lengthCounts.get(tokens.length) ?? 0) + 1)
    const termOf = this.termsByWord()
    for (const word of tokens) {
      let t = termOf.get(word)
      if (t === undefined) {
        t = this.wordOf.length
        termOf.set(word, t)
        this.wordOf.push(word)
        this.lists.push(new Uint32Array(4))
        this.counts.push(0)
        this.words.add(word, t)
      }
      this.insertDoc(t, doc)
    }
  }

  /** Take document `doc` out, given the tokens it was indexed with. */
  remove (doc: number, tokens: string[]): void {
    const length = this.lengths[doc] ?? 0
    this.totalLength -= length
    if (doc < this.lengths.length) this.lengths[doc] = 0
    const same = (this.lengthCounts.get(length) ?? 0) - 1
    if (same > 0) this.lengthCounts.set(length, same)
    else this.lengthCounts.delete(length)
    const termOf = this.termsByWord()
    for (const word of tokens) {
      const t = termOf.get(word)
      if (t === undefined) continue
      const n = this.counts[t] ?? 0
      const at = lowerBound(this.docsOf(t), n, doc)
      if (at >= n || this.docsOf(t)[at] !== doc) continue
      this.ownList(t, 0).copyWithin(at, at + 1, n)
      this.counts[t] = n - 1
    }
  }

  private termsByWord (): Map<string, number> {
    if (this.termIndex === undefined) this.termIndex = new Map(this.wordOf.map((word, t) => [word, t]))
    return this.termIndex
  }

  /** Term `t`'s own list, with room for `extra` more documents (a snapshot's documents are copied into it first). */
  private ownList (t: number, extra: number): Uint32Array {
    const n = this.counts[t] ?? 0
    let list = this.lists[t]
    if (list === undefined || n + extra > list.length) {
      const grown = new Uint32Array(Math.max(4, list === undefined ? n + extra : Math.max(n + extra, n * 2)))
      grown.set(this.docsOf(t))
      list = grown
      this.lists[t] = list
    }
    return list
  }

  private insertDoc (t: number, doc: number): void {
    const list = this.ownList(t, 1)
    const n = this.counts[t] ?? 0
    // new documents get higher numbers than all before them: appending keeps the list sorted
    if (n === 0 || (list[n - 1] ?? 0) < doc) {
      list[n] = doc
    } else {
      const at = lowerBound(list, n, doc)
      if (list[at] === doc && at < n) return
      list.copyWithin(at + 1, at, n)
      list[at] = doc
    }
    this.counts[t] = n + 1
  }

  private ensureDocs (size: number): void {
    if (size <= this.lengths.length) return
    const grown = new Uint32Array(Math.max(size, this.lengths.length * 2))
    grown.set(this.lengths)
    this.lengths = grown
  }
}

const EMPTY = new Uint32Array(0)

/** First index in `list[0..n)` whose value is ≥ `value`. */
export function lowerBound (list: Uint32Array, n: number, value: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] ?? 0) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}
