/**
 * @packageDocumentation
 *
 * Search over content and its metadata, runtime-neutral (the relay and the browser's storage worker run the same
 * code): BM25 full text with typo tolerance and prefixes (our own postings in typed arrays, Orama's scoring),
 * metadata filters and facets (Orama), vector search on an IVF index, hybrid ranking of both sides' top candidates,
 * and snapshots that load without re-indexing. Embeddings come from an {@link Embedder}: the deterministic
 * {@link createHashingEmbedder} (lexical similarity, no model) or a real model on the relay.
 *
 * @example
 * ```ts
 * const index = new SearchIndex({ embedder: createHashingEmbedder() })
 * await index.upsert(await describeContent(service, cid))
 * const { hits } = await index.search({ query: 'planets', mode: 'hybrid', filters: { mime: ['text/*'] } })
 * const restored = SearchIndex.load(index.save(), { embedder: createHashingEmbedder() })
 * ```
 */
export { SearchIndex } from './search-index.ts'
export type { SearchIndexInit } from './search-index.ts'
export { createHashingEmbedder, hashText } from './hashing-embedder.ts'
export type { HashingEmbedderInit } from './hashing-embedder.ts'
export { normalize, embeddingText } from './embedder.ts'
export type { Embedder } from './embedder.ts'
export { describeContent, documentFromFacts, readContentFacts, tagsOf } from './describe-content.ts'
export type { ContentFacts, ContentReader, DescribeOptions } from './describe-content.ts'
export { extractText, htmlToText, markdownToText, jsonToText, csvToText, isTextType } from './extract.ts'
export type { Extraction } from './extract.ts'
export { detectMime, mimeFromName } from './mime.ts'
export { parseSearchQuery, searchQuerySchema, filtersSchema, MAX_LIMIT } from './query.ts'
export type { SearchQueryInput } from './query.ts'
export { InvalidQueryError, SnapshotMismatchError } from './errors.ts'
export { VectorIndex } from './vector-index.ts'
export type { VectorHit, VectorIndexInit, VectorIndexState, VectorSearchOptions } from './vector-index.ts'
export { SIZE_BUCKETS } from './facets.ts'
export type * from './types.ts'
