import { count, getByID, insert, insertMultiple, remove } from '@orama/orama'
import { embeddingText } from './embedder.ts'
import { SnapshotMismatchError } from './errors.ts'
import { countFacets } from './facets.ts'
import { mimeGroupOf } from './filters.ts'
import { toHit, toSearchDocument } from './hits.ts'
import { createOramaDb, docNumberOf, tokenizerOf } from './orama-db.ts'
import { loadOramaSections, saveOramaSections } from './orama-snapshot.ts'
import { parseSearchQuery } from './query.ts'
import { filteredDocuments, searchText, topText } from './search-text.ts'
import { searchVector } from './search-vector.ts'
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts'
import { TextIndex } from './text-index.ts'
import { loadTextIndex, saveTextIndex } from './text-index-snapshot.ts'
import { VectorIndex } from './vector-index.ts'
import type { AbortOptions } from '../abort.ts'
import type { Embedder } from './embedder.ts'
import type { OramaDb, StoredDocument } from './orama-db.ts'
import type { DocumentInput, SearchDocument, SearchQuery, SearchResult } from './types.ts'

/** Settings of a {@link SearchIndex}. */
export interface SearchIndexInit {
  /** Makes the vectors of vector and hybrid search. */
  embedder: Embedder
  /** Vector index tuning (tests lower `trainAt` to exercise the IVF lists on small sets). */
  vectors?: { trainAt?: number, retrainUntil?: number }
  /** Clock (ms since epoch), for tests. */
  now?: () => number
}

/** Candidates each side brings to hybrid ranking and to vector facets. */
const CANDIDATES = 100

/** Searchable text fields and their BM25 boosts. */
export const TEXT_FIELDS = { name: 3, keywords: 2, text: 1 }

/** The text fields of a stored document, as the text index takes them. */
function textValues (doc: StoredDocument): Record<string, string> {
  return { name: doc.name, keywords: doc.keywords, text: doc.text }
}

function keywordsOf (input: DocumentInput): string {
  const values = Object.entries(input.metadata ?? {}).map(([key, value]) => `${key} ${String(value)}`)
  return [...(input.tags ?? []), ...values].join(' ')
}

/**
 * Full-text (Orama BM25: typo tolerance, prefixes), vector (IVF over unit vectors) and hybrid search over content
 * documents, with metadata filters and facets, saved and loaded as one snapshot without re-indexing.
 */
export class SearchIndex {
  readonly embedder: Embedder
  /** Documents, and the indexes of the fields filters use. */
  private db: OramaDb
  private vectors: VectorIndex
  /** The BM25 index of the text fields. */
  private text: TextIndex
  private readonly now: () => number
  private readonly vectorInit: { trainAt?: number, retrainUntil?: number }

  constructor (init: SearchIndexInit) {
    this.embedder = init.embedder
    this.now = init.now ?? Date.now
    this.vectorInit = init.vectors ?? {}
    this.db = createOramaDb()
    this.text = new TextIndex({ fields: TEXT_FIELDS, tokenize: tokenizerOf(this.db) })
    this.vectors = new VectorIndex({ dimensions: init.embedder.dimensions, ...this.vectorInit })
  }

  /** Number of documents. */
  get size (): number { return count(this.db) }

  /** Whether vector search is approximate (IVF lists trained) for unfiltered queries. */
  get approximate (): boolean { return this.vectors.trained }

  /** Whether `cid` is indexed. */
  has (cid: string): boolean { return getByID(this.db, cid) !== undefined }

  /** The document of `cid`, text included. */
  get (cid: string): SearchDocument | undefined {
    const doc = getByID(this.db, cid) as StoredDocument | undefined
    return doc === undefined ? undefined : toSearchDocument(doc)
  }

  /** Index one document, replacing any earlier version (its `addedAt` is kept). */
  async upsert (input: DocumentInput, options?: AbortOptions): Promise<void> {
    await this.upsertMany([input], options)
  }

  /** Index many documents at once (one embedding batch, one Orama batch). */
  async upsertMany (inputs: DocumentInput[], options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const docs = inputs.map(input => this.toStored(input))
    const vectors = await this.embedder.embed(docs.map(doc => embeddingText(doc)), options)
    options?.signal?.throwIfAborted()
    for (const doc of docs) if (this.has(doc.id)) await this.removeStored(doc.id)
    if (docs.length === 1 && docs[0] !== undefined) await insert(this.db, docs[0] as never)
    else await insertMultiple(this.db, docs as never[], 1000)
    for (const doc of docs) {
      const n = docNumberOf(this.db, doc.id)
      if (n !== undefined) this.text.add(n, textValues(doc))
    }
    docs.forEach((doc, i) => { const vector = vectors[i]; if (vector !== undefined) this.vectors.set(doc.id, vector) })
  }

  /** Remove the document of `cid`; false when it was not indexed. */
  async remove (cid: string): Promise<boolean> {
    this.vectors.delete(cid)
    if (!this.has(cid)) return false
    return await this.removeStored(cid)
  }

  private async removeStored (cid: string): Promise<boolean> {
    const doc = getByID(this.db, cid) as StoredDocument | undefined
    const n = docNumberOf(this.db, cid)
    if (doc !== undefined && n !== undefined) this.text.remove(n, textValues(doc))
    return await remove(this.db, cid)
  }

  /** Run a query (validated first: a malformed one throws `InvalidQueryError` naming the bad field). */
  async search (input: unknown, options?: AbortOptions): Promise<SearchResult> {
    options?.signal?.throwIfAborted()
    const query = parseSearchQuery(input)
    const started = performance.now()
    const page = { limit: query.limit, offset: query.offset }
    let result: Omit<SearchResult, 'elapsedMs'>
    if (query.mode === 'text') {
      const matches = await searchText({ db: this.db, text: this.text }, query, page)
      result = { mode: 'text', count: matches.count, hits: matches.hits.map(h => toHit(h.doc, h.score, query.query)), facets: matches.facets }
    } else {
      const [vector] = await this.embedder.embed([query.query], options)
      const queryVector = vector ?? new Float32Array(this.embedder.dimensions)
      const k = Math.max(CANDIDATES, query.offset + query.limit)
      // the filters are evaluated once, as document numbers both sides check
      const accept = filteredDocuments(this.db, query)
      const ranked = query.mode === 'vector'
        ? searchVector(this.db, this.vectors, queryVector, k, accept)
        : this.fuse(query, queryVector, k, accept)
      result = {
        mode: query.mode,
        count: ranked.length,
        hits: ranked.slice(query.offset, query.offset + query.limit).map(h => toHit(h.doc, h.score, query.query)),
        facets: countFacets(query.facets, ranked.map(h => h.doc))
      }
    }
    return { ...result, elapsedMs: performance.now() - started }
  }

  /**
   * Hybrid ranking: the top text and vector candidates, each score scaled to 0..1 (BM25 by the best text score,
   * cosine as it is), summed with `vectorWeight`; a document found by one side only gets 0 from the other. Each
   * side computes only its top k (the text side stops scoring documents that cannot reach it), not the whole corpus.
   */
  private fuse (query: SearchQuery, queryVector: Float32Array, k: number, accept: Set<number> | undefined): Array<{ doc: StoredDocument, score: number }> {
    // the text side runs without the typo fallback: the vector side already matches misspellings through shared
    // trigrams, and a fuzzy run of a long query costs seconds at 100k documents
    const text = topText({ db: this.db, text: this.text }, query.query, k, accept)
    const vector = searchVector(this.db, this.vectors, queryVector, k, accept)
    const best = text[0]?.score ?? 0
    const fused = new Map<string, { doc: StoredDocument, score: number }>()
    const w = query.vectorWeight
    for (const hit of text) fused.set(hit.doc.id, { doc: hit.doc, score: (1 - w) * (best > 0 ? hit.score / best : 0) })
    for (const hit of vector) {
      const entry = fused.get(hit.doc.id) ?? { doc: hit.doc, score: 0 }
      entry.score += w * Math.max(0, hit.score)
      fused.set(hit.doc.id, entry)
    }
    return [...fused.values()].sort((a, b) => b.score - a.score)
  }

  /** The whole index as bytes (Orama's state, vectors, IVF lists): load it with {@link SearchIndex.load}. */
  save (): Uint8Array {
    return encodeSnapshot({ embedderId: this.embedder.id, text: new Map([...saveOramaSections(this.db), ...saveTextIndex(this.text)]), vectors: this.vectors.state() })
  }

  /**
   * An index from a snapshot, without re-indexing or re-embedding. `SnapshotMismatchError` when the bytes are not a
   * snapshot of this version or were made with another embedder (its vectors would not compare with new ones).
   * The index keeps views of `bytes` (the vectors are not copied): do not change them afterwards.
   */
  static load (bytes: Uint8Array, init: SearchIndexInit): SearchIndex {
    const content = decodeSnapshot(bytes)
    if (content.embedderId !== init.embedder.id) throw new SnapshotMismatchError(`snapshot made with embedder ${content.embedderId}, not ${init.embedder.id}`)
    const index = new SearchIndex(init)
    loadOramaSections(index.db, content.text)
    index.text = loadTextIndex(content.text, { fields: TEXT_FIELDS, tokenize: tokenizerOf(index.db) })
    index.vectors = VectorIndex.fromState(content.vectors, index.vectorInit)
    return index
  }

  private toStored (input: DocumentInput): StoredDocument {
    const existing = getByID(this.db, input.cid) as StoredDocument | undefined
    const now = this.now()
    const mime = (input.mime ?? 'application/octet-stream').toLowerCase()
    const doc: StoredDocument = {
      id: input.cid,
      name: input.name ?? '',
      text: input.text ?? '',
      keywords: keywordsOf(input),
      mime,
      mimeGroup: mimeGroupOf(mime),
      tags: [...new Set(input.tags ?? [])],
      size: input.size ?? 0,
      addedAt: input.addedAt ?? existing?.addedAt ?? now,
      updatedAt: now,
      metadata: { ...input.metadata },
      textStatus: input.textStatus ?? (input.text === undefined || input.text === '' ? 'skipped' : 'extracted')
    }
    if (input.textNote !== undefined) doc.textNote = input.textNote
    return doc
  }
}
