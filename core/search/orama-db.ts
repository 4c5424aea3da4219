import { create } from '@orama/orama'
import type { MetadataValue, TextStatus } from './types.ts'

/**
 * What Orama indexes: the fields that filters and facets use. The text fields (name, text, keywords) are stored in
 * Orama's documents but indexed by our own {@link TextIndex} (compact postings; see docs/decisions/0012).
 */
export const ORAMA_SCHEMA = {
  mime: 'enum',
  mimeGroup: 'enum',
  tags: 'enum[]',
  size: 'number',
  addedAt: 'number'
} as const

/** A document as stored in Orama (`id` is the CID; fields outside the schema are stored, not indexed). */
export interface StoredDocument {
  id: string
  name: string
  text: string
  keywords: string
  mime: string
  mimeGroup: string
  tags: string[]
  size: number
  addedAt: number
  updatedAt: number
  metadata: Record<string, MetadataValue>
  textStatus: TextStatus
  textNote?: string
}

/** A fresh Orama database with the search schema. */
export function createOramaDb (): ReturnType<typeof create<typeof ORAMA_SCHEMA>> {
  // nothing sorts by a field: without Orama's sort index, inserts and snapshots are smaller and faster
  return create({ schema: ORAMA_SCHEMA, sort: { enabled: false } })
}

/** The Orama database type used by the index. */
export type OramaDb = ReturnType<typeof createOramaDb>

interface OramaInternals {
  internalDocumentIDStore: { idToInternalId: Map<string, number>, internalIdToId: string[] }
  tokenizer: { language: string, tokenize: (text: string, language?: string, prop?: string, withCache?: boolean) => string[] }
  index: { searchByWhereClause: (index: unknown, tokenizer: unknown, where: unknown, language?: string) => Set<number> | number[] }
  data: { index: unknown }
}

const internals = (db: OramaDb): OramaInternals => db as unknown as OramaInternals

/** Orama's internal number of a document id (the number our text index and filters use), if it has one. */
export function docNumberOf (db: OramaDb, id: string): number | undefined {
  return internals(db).internalDocumentIDStore.idToInternalId.get(id)
}

/** The document id of an internal number. */
export function idOfDocNumber (db: OramaDb, doc: number): string | undefined {
  return internals(db).internalDocumentIDStore.internalIdToId[doc - 1]
}

/** Orama's tokenizer as a function: lower case, split, normalised, duplicates dropped. */
export function tokenizerOf (db: OramaDb): (text: string) => string[] {
  const tokenizer = internals(db).tokenizer
  return text => tokenizer.tokenize(text, tokenizer.language, undefined, false)
}

/** The internal numbers of the documents passing an Orama `where` clause (filters evaluated once per query). */
export function documentsWhere (db: OramaDb, where: Record<string, unknown>): Set<number> {
  const orama = internals(db)
  const found = orama.index.searchByWhereClause(orama.data.index, orama.tokenizer, where, orama.tokenizer.language)
  return found instanceof Set ? found : new Set(found)
}
