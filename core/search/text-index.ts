import { FieldPostings } from './text-postings.ts'

/** BM25 parameters: Orama's defaults (k1 1.2, b 0.75, d 0.5), so scores are those Orama gave before. */
const K = 1.2
const B = 0.75
const D = 0.5

/** Settings of a {@link TextIndex}. */
export interface TextIndexInit {
  /** Searchable fields and their boosts, e.g. `{ name: 3, keywords: 2, text: 1 }`. */
  fields: Record<string, number>
  /** Splits a text into unique, normalised tokens (the same function for documents and queries). */
  tokenize: (text: string) => string[]
}

/** Options of one {@link TextIndex.search}. */
export interface TextSearchOptions {
  /** Hits to return, best first. */
  k: number
  /** Largest edit distance for a query word to match an indexed word (0: exact words and prefixes). */
  tolerance?: number
  /** Only these document numbers may match (the metadata filters, evaluated once and shared with vector search). */
  accept?: ReadonlySet<number>
  /**
   * Which query words (with `tolerance` 0) also match the words they begin: `every` one (the default, as Orama does),
   * or only the `last`, which may be unfinished (Elasticsearch's `match_bool_prefix`). A long query with every word a
   * prefix matches thousands of words (one 8-word query: 2,444 terms, 86k postings at 100k documents).
   */
  prefixes?: 'every' | 'last'
  /**
   * Score every matching document, to count them and return them all in `matched` (for the total count and facets);
   * otherwise terms that cannot lift a document into the top `k` only re-score documents found already (exact top k).
   */
  all?: boolean
}

/** The answer of {@link TextIndex.search}. */
export interface TextSearchResult {
  /** The best `k` documents and BM25 scores, best first (ties: lower document number first). */
  top: Array<{ doc: number, score: number }>
  /** With `all`: every matching document number (any order) and their count; otherwise only `top`. */
  matched?: number[]
}

interface TermEntry { field: FieldPostings, docs: Uint32Array, weight: number, bound: number, avg: number }

/**
 * BM25 full-text index over a few fields, with postings in typed arrays (about 4 bytes per document and word).
 * Queries are scored term at a time into one reused `Float64Array`, most significant terms first; once the
 * top k cannot change by documents only the remaining terms contain, those terms just add to the documents already
 * found (the "max-score" idea), so long queries of common words do not score the whole corpus.
 */
export class TextIndex {
  readonly fields: Map<string, FieldPostings>
  private readonly tokenize: (text: string) => string[]
  /** Documents indexed. */
  docCount = 0
  private scores = new Float64Array(1024)

  constructor (init: TextIndexInit) {
    this.tokenize = init.tokenize
    this.fields = new Map(Object.entries(init.fields).map(([name, boost]) => [name, new FieldPostings(boost)]))
  }

  /** Index document number `doc` with the text of each field (missing fields are empty). */
  add (doc: number, values: Record<string, string>): void {
    for (const [name, field] of this.fields) field.add(doc, this.tokenize(values[name] ?? ''))
    this.docCount++
  }

  /** Remove document number `doc`, given the same values it was added with. */
  remove (doc: number, values: Record<string, string>): void {
    for (const [name, field] of this.fields) field.remove(doc, this.tokenize(values[name] ?? ''))
    this.docCount = Math.max(0, this.docCount - 1)
  }

  /** The query's tokens (empty: nothing to search for). */
  tokens (query: string): string[] { return this.tokenize(query) }

  /** Documents matching any query word (prefixes included; `tolerance` for typos), BM25-ranked. */
  search (query: string, options: TextSearchOptions): TextSearchResult {
    const entries = this.entries(this.tokenize(query), options.tolerance ?? 0, options.prefixes ?? 'every')
    let maxDoc = 0
    for (const e of entries) maxDoc = Math.max(maxDoc, e.docs[e.docs.length - 1] ?? 0)
    if (this.scores.length <= maxDoc) this.scores = new Float64Array(Math.max(maxDoc + 1, this.scores.length * 2))
    const scores = this.scores
    const accept = options.accept
    const touched: number[] = []
    const k = Math.max(1, options.k)
    // remaining[i]: the most the entries from i on can add to any one document
    const remaining = new Float64Array(entries.length + 1)
    for (let i = entries.length - 1; i >= 0; i--) remaining[i] = (remaining[i + 1] ?? 0) + (entries[i]?.bound ?? 0)
    let open = true
    // the best score so far: while it is below what the remaining entries could add, no document can be out of reach,
    // and the pass over every touched document (atLeast) is skipped (long queries have thousands of entries)
    let best = 0
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as TermEntry
      const floor = remaining[i] ?? 0
      if (open && options.all !== true && i > 0 && best >= floor && atLeast(scores, touched, floor, k)) open = false
      const { docs, weight, avg } = e
      const lengths = e.field.lengths
      for (let j = 0; j < docs.length; j++) {
        const doc = docs[j] ?? 0
        const before = scores[doc] ?? 0
        if (before === 0) {
          if (!open) continue
          if (accept !== undefined && !accept.has(doc)) continue
          touched.push(doc)
        }
        const len = lengths[doc] ?? 1
        const tf = 1 / len
        const score = before + weight * (D + tf * (K + 1)) / (tf + K * (1 - B + B * len / avg))
        scores[doc] = score
        if (score > best) best = score
      }
    }
    const top = topOf(scores, touched, k)
    const result: TextSearchResult = { top }
    if (options.all === true) result.matched = touched.slice()
    for (const doc of touched) scores[doc] = 0
    return result
  }

  private entries (tokens: string[], tolerance: number, prefixes: 'every' | 'last'): TermEntry[] {
    const entries: TermEntry[] = []
    const n = Math.max(1, this.docCount)
    for (const field of this.fields.values()) {
      const avg = field.totalLength / n
      if (!(avg > 0)) continue
      const most = shapeBound(field, avg)
      for (const [i, token] of tokens.entries()) {
        const terms = tolerance > 0
          ? field.words.withinEdits(token, tolerance)
          : prefixes === 'every' || i === tokens.length - 1 ? field.words.withPrefix(token) : field.words.exactly(token)
        for (const t of terms) {
          const docs = field.docsOf(t)
          if (docs.length === 0) continue
          const idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5))
          const weight = idf * field.boost
          entries.push({ field, docs, weight, bound: weight * most, avg })
        }
      }
    }
    return entries.sort((a, b) => b.bound - a.bound)
  }
}

/** The largest BM25 shape factor any document of the field can have (over the lengths the field holds). */
function shapeBound (field: FieldPostings, avg: number): number {
  let most = 0
  for (const len of field.lengthCounts.keys()) {
    const tf = 1 / len
    most = Math.max(most, (D + tf * (K + 1)) / (tf + K * (1 - B + B * len / avg)))
  }
  return most
}

/** Whether at least `k` touched documents score `floor` or more (then no new document can enter the top k). */
function atLeast (scores: Float64Array, touched: number[], floor: number, k: number): boolean {
  if (touched.length < k) return false
  let count = 0
  for (let i = 0; i < touched.length; i++) if ((scores[touched[i] ?? 0] ?? 0) >= floor && ++count >= k) return true
  return false
}

/** The `k` best touched documents, best first; ties by lower document number. */
function topOf (scores: Float64Array, touched: number[], k: number): Array<{ doc: number, score: number }> {
  const better = (a: number, b: number): boolean => { const sa = scores[a] ?? 0; const sb = scores[b] ?? 0; return sa > sb || (sa === sb && a < b) }
  // a min-heap of the best k, worst at the root
  const heap: number[] = []
  for (const doc of touched) {
    if (heap.length < k) {
      heap.push(doc)
      let i = heap.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!better(heap[parent] ?? 0, heap[i] ?? 0)) break
        ;[heap[parent], heap[i]] = [heap[i] ?? 0, heap[parent] ?? 0]
        i = parent
      }
    } else if (better(doc, heap[0] ?? 0)) {
      heap[0] = doc
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let worst = i
        if (l < heap.length && better(heap[worst] ?? 0, heap[l] ?? 0)) worst = l
        if (r < heap.length && better(heap[worst] ?? 0, heap[r] ?? 0)) worst = r
        if (worst === i) break
        ;[heap[worst], heap[i]] = [heap[i] ?? 0, heap[worst] ?? 0]
        i = worst
      }
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0)).map(doc => ({ doc, score: scores[doc] ?? 0 }))
}
