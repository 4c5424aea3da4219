import { create } from '@orama/orama'
import type { MetadataValue, TextStatus } from './types.ts'

/** What Orama indexes: full text on name/text/keywords, filters and facets on the rest. */
export const ORAMA_SCHEMA = {
  name: 'string',
  text: 'string',
  keywords: 'string',
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
