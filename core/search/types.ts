/** How a document's text was obtained: extracted, skipped on purpose, or failed (the reason is kept in `textNote`). */
export type TextStatus = 'extracted' | 'skipped' | 'failed'

/** Metadata values as pins carry them. */
export type MetadataValue = string | number | boolean

/** One piece of content as the index holds it. The CID is its id. */
export interface SearchDocument {
  cid: string
  /** Human name (pin name, file name); empty when none. */
  name: string
  /** MIME type, e.g. `text/markdown` (guessed from the name or the first bytes when not given). */
  mime: string
  /** Content size in bytes. */
  size: number
  tags: string[]
  metadata: Record<string, MetadataValue>
  /** When the document was first indexed (ms since epoch). */
  addedAt: number
  /** When it was last (re)indexed (ms since epoch). */
  updatedAt: number
  /** Text extracted from the first bytes of the content; empty when none could be. */
  text: string
  textStatus: TextStatus
  /** Why there is no text (binary type, unsupported type, read failed...), or a note like `truncated`. */
  textNote?: string
}

/** What callers give to index a document: the rest has defaults. */
export interface DocumentInput {
  cid: string
  name?: string
  mime?: string
  size?: number
  tags?: string[]
  metadata?: Record<string, MetadataValue>
  addedAt?: number
  text?: string
  textStatus?: TextStatus
  textNote?: string
}

/** How documents are matched: BM25 full text, embedding similarity, or both fused. */
export type SearchMode = 'text' | 'vector' | 'hybrid'

/** Filters on metadata; every given filter must hold. */
export interface SearchFilters {
  /** The document has every one of these tags. */
  tags?: string[]
  /** The document has at least one of these tags. */
  anyTags?: string[]
  /** MIME types; `text/*` matches a whole top-level type. */
  mime?: string[]
  minSize?: number
  maxSize?: number
  /** Indexed at or after this time (ms since epoch). */
  addedAfter?: number
  /** Indexed at or before this time (ms since epoch). */
  addedBefore?: number
}

/** Facets that can be counted over the hits. */
export type FacetName = 'tags' | 'mime' | 'size'

/** A validated search query (see `parseSearchQuery` for the accepted input). */
export interface SearchQuery {
  query: string
  mode: SearchMode
  filters: SearchFilters
  facets: FacetName[]
  limit: number
  offset: number
  /** Typo tolerance: largest edit distance for a word to still match (text and hybrid). */
  tolerance: number
  /** Share of the vector score in hybrid ranking, 0..1. */
  vectorWeight: number
}

/** One hit. */
export interface SearchHit {
  cid: string
  score: number
  document: Omit<SearchDocument, 'text'> & { snippet: string }
}

/** Counts per value of one facet. */
export type FacetCounts = Record<string, number>

/** The answer to a query. */
export interface SearchResult {
  mode: SearchMode
  /** Number of hits before offset/limit (for vector search: hits above the similarity floor among those scanned). */
  count: number
  hits: SearchHit[]
  facets: Partial<Record<FacetName, FacetCounts>>
  /** Time the index took, in ms. */
  elapsedMs: number
}
