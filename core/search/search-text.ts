import { getByID, search } from '@orama/orama'
import { countFacets, fromOramaFacets, oramaFacets } from './facets.ts'
import { toOramaWhere } from './filters.ts'
import { documentsWhere, idOfDocNumber } from './orama-db.ts'
import type { OramaDb, StoredDocument } from './orama-db.ts'
import type { TextIndex } from './text-index.ts'
import type { FacetCounts, FacetName, SearchQuery } from './types.ts'

/** Text hits with their BM25 scores, the total count and facets. */
export interface TextMatches {
  count: number
  hits: Array<{ doc: StoredDocument, score: number }>
  facets: Partial<Record<FacetName, FacetCounts>>
}

/** What a text search reads: the document store (filters, documents) and the text index. */
export interface TextSearchTarget {
  db: OramaDb
  text: TextIndex
}

/** Share of its score a hit found only through typo tolerance keeps. */
const FUZZY_FACTOR = 0.5

/** The internal numbers of the documents passing the query's filters; undefined when there are no filters. */
export function filteredDocuments (db: OramaDb, query: SearchQuery): Set<number> | undefined {
  const where = toOramaWhere(query.filters)
  return where === undefined ? undefined : documentsWhere(db, where)
}

/** Stored documents of internal numbers (skipping any that are gone). */
export function documentsOf (db: OramaDb, numbers: Iterable<number>): StoredDocument[] {
  const docs: StoredDocument[] = []
  for (const n of numbers) {
    const id = idOfDocNumber(db, n)
    const doc = id === undefined ? undefined : getByID(db, id) as StoredDocument | undefined
    if (doc !== undefined) docs.push(doc)
  }
  return docs
}

/**
 * The best `k` text hits with scores (no count, no facets): the text side of hybrid search. Only the query's last
 * word matches as a prefix: hybrid queries are often whole sentences or passages ("more like this"), where every
 * word a prefix costs thousands of terms and adds words the query did not mean; the vector side already matches
 * shared parts of words (its trigrams).
 */
export function topText (target: TextSearchTarget, query: string, k: number, accept: Set<number> | undefined): Array<{ doc: StoredDocument, score: number }> {
  const { top } = target.text.search(query, { k, prefixes: 'last', ...(accept === undefined ? {} : { accept }) })
  return withDocuments(target.db, top)
}

function withDocuments (db: OramaDb, top: Array<{ doc: number, score: number }>): Array<{ doc: StoredDocument, score: number }> {
  const out: Array<{ doc: StoredDocument, score: number }> = []
  for (const hit of top) {
    const [doc] = documentsOf(db, [hit.doc])
    if (doc !== undefined) out.push({ doc, score: hit.score })
  }
  return out
}

/** Every document passing the filters, in indexing order (an empty query lists documents). */
async function listDocuments (db: OramaDb, query: SearchQuery, page: { limit: number, offset: number }, facets: FacetName[]): Promise<TextMatches> {
  const where = toOramaWhere(query.filters)
  const result = await search(db, {
    limit: page.limit,
    offset: page.offset,
    ...(where === undefined ? {} : { where: where as never }),
    ...(facets.length === 0 ? {} : { facets: oramaFacets(facets) as never })
  })
  return {
    count: result.count,
    hits: result.hits.map(hit => ({ doc: hit.document as unknown as StoredDocument, score: hit.score })),
    facets: fromOramaFacets(facets, result.facets)
  }
}

/**
 * BM25 full-text search with prefix matching. Typo tolerance is a fallback: a query is first run with exact words
 * (and prefixes), and again with `tolerance` only when that fills less than the page. Exact matches so rank first,
 * and the costly fuzzy walk of the word tree runs only for queries that need it.
 */
export async function searchText (target: TextSearchTarget, query: SearchQuery, page: { limit: number, offset: number }, withFacets = true): Promise<TextMatches> {
  const facetNames = withFacets ? query.facets : []
  if (target.text.tokens(query.query).length === 0) {
    if (query.query.trim() === '') return await listDocuments(target.db, query, page, facetNames)
    return { count: 0, hits: [], facets: countFacets(facetNames, []) }
  }
  const accept = filteredDocuments(target.db, query)
  const run = (tolerance: number, k: number, facets: FacetName[]): TextMatches => {
    const result = target.text.search(query.query, { k, tolerance, all: true, ...(accept === undefined ? {} : { accept }) })
    const matched = result.matched ?? []
    return {
      count: matched.length,
      hits: withDocuments(target.db, result.top),
      facets: facets.length === 0 ? {} : countFacets(facets, documentsOf(target.db, matched))
    }
  }
  const wanted = page.offset + page.limit
  const exact = run(0, wanted, facetNames)
  if (query.tolerance === 0 || exact.count >= wanted) return { ...exact, hits: exact.hits.slice(page.offset) }
  // exact matches first, then what only the typo-tolerant run found
  const fuzzy = run(query.tolerance, wanted, facetNames)
  const seen = new Set(exact.hits.map(hit => hit.doc.id))
  // a fuzzy-only hit scores below every exact one (its BM25 alone can be higher: a short document, a rare word)
  const floor = exact.hits.at(-1)?.score ?? Infinity
  const fuzzyOnly = fuzzy.hits.filter(hit => !seen.has(hit.doc.id)).map(hit => ({ doc: hit.doc, score: Math.min(hit.score, floor) * FUZZY_FACTOR }))
  const merged = [...exact.hits, ...fuzzyOnly]
  return { count: fuzzy.count, hits: merged.slice(page.offset, page.offset + page.limit), facets: fuzzy.facets }
}
