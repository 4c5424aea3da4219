import { radix } from '@orama/orama/trees'

type RadixTree = InstanceType<typeof radix.RadixTree>

/**
 * The words of one text field and their term numbers, for the lookups a query makes: every word starting with a
 * prefix (one contiguous run of a sorted array, found by binary search), and every word within an edit distance
 * (Orama's radix tree with its bounded Levenshtein walk, built on the first such lookup and kept up to date after).
 *
 * A word is added once, the first time it is seen, and never removed: a term whose documents all left keeps its
 * number, and callers skip terms without postings. New words wait unsorted until the next lookup, so indexing many
 * documents costs one sort, not one insertion into the sorted array per word.
 *
 * Why not the radix tree for prefixes too: collecting a subtree's words into an object keyed by word cost ~0.5 ms
 * per query word at 100k documents, most of an 8-word hybrid query's text side (see docs/PERFORMANCE.md).
 */
export class WordDictionary {
  /** Words in code-unit order, and the term number of each. */
  private sorted: string[] = []
  private termsSorted: number[] = []
  /** Words added since the last lookup, not yet in `sorted`, and their term numbers. */
  private pendingWords: string[] = []
  private pendingTerms: number[] = []
  /** Built on the first typo-tolerant lookup. */
  private tree: RadixTree | undefined

  /** Words held. */
  get size (): number { return this.sorted.length + this.pendingWords.length }

  /** Add a word never added before, with its term number. */
  add (word: string, term: number): void {
    this.pendingWords.push(word)
    this.pendingTerms.push(term)
    this.tree?.insert(word, term)
  }

  /** Add words never added before, each with its index in `words` as its term number (a snapshot's vocabulary). */
  addAll (words: string[]): void {
    if (this.size === 0 && this.tree === undefined) {
      this.pendingWords = words.slice()
      this.pendingTerms = Array.from(words.keys())
      return
    }
    words.forEach((word, term) => { this.add(word, term) })
  }

  /** Term numbers of every word that starts with `prefix` (the word itself included). */
  withPrefix (prefix: string): number[] {
    this.merge()
    const words = this.sorted
    const out: number[] = []
    for (let i = lowerBoundWord(words, prefix); i < words.length; i++) {
      const word = words[i] as string
      if (!word.startsWith(prefix)) break
      out.push(this.termsSorted[i] as number)
    }
    return out
  }

  /** The term number of `word` itself, as a list (empty when the word is not held). */
  exactly (word: string): number[] {
    this.merge()
    const i = lowerBoundWord(this.sorted, word)
    return this.sorted[i] === word ? [this.termsSorted[i] as number] : []
  }

  /** Term numbers of every word within `tolerance` edits of `term` (Orama's typo-tolerant lookup). */
  withinEdits (term: string, tolerance: number): number[] {
    const found = this.fuzzyTree().find({ term, exact: false, tolerance }) as Record<string, number[] | undefined>
    const out: number[] = []
    for (const terms of Object.values(found)) {
      const t = terms?.[0]
      if (t !== undefined) out.push(t)
    }
    return out
  }

  private fuzzyTree (): RadixTree {
    if (this.tree === undefined) {
      this.merge()
      const tree = new radix.RadixTree()
      for (let i = 0; i < this.sorted.length; i++) tree.insert(this.sorted[i] as string, this.termsSorted[i] as number)
      this.tree = tree
    }
    return this.tree
  }

  /** Move pending words into the sorted array (one sort of the new words, one merge). */
  private merge (): void {
    if (this.pendingWords.length === 0) return
    const pendingWords = this.pendingWords
    const pendingTerms = this.pendingTerms
    this.pendingWords = []
    this.pendingTerms = []
    // sort positions in the pending arrays by their word (no object per word)
    const order = Uint32Array.from(pendingWords.keys()).sort((a, b) => {
      const x = pendingWords[a] as string
      const y = pendingWords[b] as string
      return x < y ? -1 : x > y ? 1 : 0
    })
    const words: string[] = new Array<string>(this.sorted.length + order.length)
    const terms: number[] = new Array<number>(words.length)
    let i = 0
    let j = 0
    let k = 0
    while (i < this.sorted.length || j < order.length) {
      const next = order[j]
      if (next !== undefined && (i >= this.sorted.length || (pendingWords[next] as string) < (this.sorted[i] as string))) {
        words[k] = pendingWords[next] as string
        terms[k++] = pendingTerms[next] as number
        j++
      } else {
        words[k] = this.sorted[i] as string
        terms[k++] = this.termsSorted[i] as number
        i++
      }
    }
    this.sorted = words
    this.termsSorted = terms
  }
}

/** First index in the sorted `words` whose word is ≥ `word`. */
function lowerBoundWord (words: string[], word: string): number {
  let lo = 0
  let hi = words.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((words[mid] as string) < word) lo = mid + 1
    else hi = mid
  }
  return lo
}
