import { search } from '@orama/orama'
import { fromOramaFacets, oramaFacets } from './facets.ts'
import { toOramaWhere } from './filters.ts'
import type { OramaDb, StoredDocument } from './orama-db.ts'
import type { FacetCounts, FacetName, SearchQuery } from './types.ts'

/** Text hits with their BM25 scores, the total count and facets. */
export interface TextMatches {
  count: number
  hits: Array<{ doc: StoredDocument, score: number }>
  facets: Partial<Record<FacetName, FacetCounts>>
}

const PROPERTIES = ['name', 'text', 'keywords'] as const
const BOOST = { name: 3, keywords: 2, text: 1 }
/** Share of its score a hit found only through typo tolerance keeps. */
const FUZZY_FACTOR = 0.5

/**
 * BM25 full-text search with prefix matching. Typo tolerance is a fallback: a query is first run with exact words
 * (and prefixes), and again with `tolerance` only when that fills less than the page. Exact matches so rank first,
 * and the costly fuzzy walk of the word tree runs only for queries that need it.
 */
export async function searchText (db: OramaDb, query: SearchQuery, page: { limit: number, offset: number }, withFacets = true): Promise<TextMatches> {
  const where = toOramaWhere(query.filters)
  const facetNames = withFacets ? query.facets : []
  const run = async (tolerance: number, { limit, offset }: { limit: number, offset: number }, facets = true): Promise<TextMatches> => {
    const names = facets ? facetNames : []
    const result = await search(db, {
      term: query.query,
      properties: [...PROPERTIES],
      boost: BOOST,
      tolerance,
      limit,
      offset,
      ...(where === undefined ? {} : { where: where as never }),
      ...(names.length === 0 ? {} : { facets: oramaFacets(names) as never })
    })
    return {
      count: result.count,
      hits: result.hits.map(hit => ({ doc: hit.document as unknown as StoredDocument, score: hit.score })),
      facets: fromOramaFacets(names, result.facets)
    }
  }
  const exact = await run(0, page)
  if (query.tolerance === 0 || query.query.trim() === '' || exact.count >= page.offset + page.limit) return exact
  // exact matches first, then what only the typo-tolerant run found
  const wanted = { limit: page.offset + page.limit, offset: 0 }
  const [head, fuzzy] = await Promise.all([run(0, wanted, false), run(query.tolerance, wanted)])
  const seen = new Set(head.hits.map(hit => hit.doc.id))
  // a fuzzy-only hit scores below every exact one (its BM25 alone can be higher: a short document, a rare word)
  const floor = head.hits.at(-1)?.score ?? Infinity
  const fuzzyOnly = fuzzy.hits.filter(hit => !seen.has(hit.doc.id)).map(hit => ({ doc: hit.doc, score: Math.min(hit.score, floor) * FUZZY_FACTOR }))
  const merged = [...head.hits, ...fuzzyOnly]
  return { count: fuzzy.count, hits: merged.slice(page.offset, page.offset + page.limit), facets: fuzzy.facets }
}
