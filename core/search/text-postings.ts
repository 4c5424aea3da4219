import { WordDictionary } from './word-dictionary.ts'

/**
 * The inverted index of one text field: a dictionary of its words for prefix and typo-tolerant lookups (each word's
 * term number) and, per term, the sorted document numbers that
 * contain it in one `Uint32Array`. Tokens are unique per document (Orama's tokenizer drops duplicates), so a term's
 * frequency in a document is `1 / length`: no per-document frequency records are kept, only each document's length.
 */
export class FieldPostings {
  /** Weight of this field's BM25 score. */
  readonly boost: number
  /** Every word ever seen, for prefix and typo-tolerant lookups (callers skip terms without postings). */
  readonly words = new WordDictionary()
  /** Term number of each word ever seen (a word whose last document left keeps its number, with no postings). */
  readonly termOf = new Map<string, number>()
  /** Words by term number. */
  readonly wordOf: string[] = []
  /** Document numbers containing each term, ascending, in `postings[t].subarray(0, counts[t])`. */
  postings: Uint32Array[] = []
  counts: number[] = []
  /** Token count of each document in this field (0: none). */
  lengths: Uint32Array = new Uint32Array(1024)
  /** Sum of all documents' lengths. */
  totalLength = 0
  /** How many documents have each (non-zero) length: bounds BM25 scores without a pass over all documents. */
  readonly lengthCounts = new Map<number, number>()

  constructor (boost: number) {
    this.boost = boost
  }

  /** Documents containing term `t`, ascending (a view: valid until the next change). */
  docsOf (t: number): Uint32Array {
    return (this.postings[t] ?? EMPTY).subarray(0, this.counts[t] ?? 0)
  }

  /** Index document `doc` with its (unique) tokens. */
  add (doc: number, tokens: string[]): void {
    this.ensureDocs(doc + 1)
    this.lengths[doc] = tokens.length
    this.totalLength += tokens.length
    if (tokens.length > 0) this.lengthCounts.set(tokens.length, (this.lengthCounts.get(tokens.length) ?? 0) + 1)
    for (const word of tokens) {
      let t = this.termOf.get(word)
      if (t === undefined) {
        t = this.wordOf.length
        this.termOf.set(word, t)
        this.wordOf.push(word)
        this.postings.push(new Uint32Array(4))
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
    for (const word of tokens) {
      const t = this.termOf.get(word)
      if (t === undefined) continue
      const list = this.postings[t] ?? EMPTY
      const n = this.counts[t] ?? 0
      const at = lowerBound(list, n, doc)
      if (at >= n || list[at] !== doc) continue
      list.copyWithin(at, at + 1, n)
      this.counts[t] = n - 1
    }
  }

  private insertDoc (t: number, doc: number): void {
    let list = this.postings[t] ?? EMPTY
    const n = this.counts[t] ?? 0
    if (n === list.length) {
      const grown = new Uint32Array(Math.max(4, n * 2))
      grown.set(list)
      list = grown
      this.postings[t] = list
    }
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
