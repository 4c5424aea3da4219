import { getByID } from '@orama/orama'
import { docNumberOf } from './orama-db.ts'
import type { OramaDb, StoredDocument } from './orama-db.ts'
import type { VectorIndex } from './vector-index.ts'

/** Similarity below which a vector neighbour is not a hit. */
export const MIN_SIMILARITY = 0.05

/**
 * The `k` documents nearest to the query vector among those `accept` holds (internal numbers of the documents that
 * pass the filters, evaluated once per query and shared with the text side; undefined: no filters). Without filters
 * the IVF lists are probed (approximate once the index is trained); with filters every vector that passes is scored
 * (exact), so a selective filter never loses hits to the approximation.
 */
export function searchVector (db: OramaDb, vectors: VectorIndex, queryVector: Float32Array, k: number, accept?: ReadonlySet<number>): Array<{ doc: StoredDocument, score: number }> {
  const hits = vectors.search(queryVector, k, {
    minScore: MIN_SIMILARITY,
    ...(accept === undefined ? {} : { accept: (id: string) => { const n = docNumberOf(db, id); return n !== undefined && accept.has(n) } })
  })
  const found: Array<{ doc: StoredDocument, score: number }> = []
  for (const hit of hits) {
    const doc = getByID(db, hit.id) as StoredDocument | undefined
    if (doc !== undefined) found.push({ doc, score: hit.score })
  }
  return found
}
