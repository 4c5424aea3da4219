import { getByID } from '@orama/orama'
import { matchesFilters, hasFilters } from './filters.ts'
import type { OramaDb, StoredDocument } from './orama-db.ts'
import type { SearchQuery } from './types.ts'
import type { VectorIndex } from './vector-index.ts'

/** Similarity below which a vector neighbour is not a hit. */
export const MIN_SIMILARITY = 0.05

/**
 * The `k` documents nearest to the query vector that pass the filters. Without filters the IVF lists are probed
 * (approximate once the index is trained); with filters every vector that passes is scored (exact), so a selective
 * filter never loses hits to the approximation.
 */
export function searchVector (db: OramaDb, vectors: VectorIndex, queryVector: Float32Array, query: SearchQuery, k: number): Array<{ doc: StoredDocument, score: number }> {
  const filtered = hasFilters(query.filters)
  const docOf = (id: string): StoredDocument | undefined => getByID(db, id)
  const hits = vectors.search(queryVector, k, {
    minScore: MIN_SIMILARITY,
    ...(filtered ? { accept: (id: string) => { const doc = docOf(id); return doc !== undefined && matchesFilters(doc, query.filters) } } : {})
  })
  const found: Array<{ doc: StoredDocument, score: number }> = []
  for (const hit of hits) {
    const doc = docOf(hit.id)
    if (doc !== undefined) found.push({ doc, score: hit.score })
  }
  return found
}
