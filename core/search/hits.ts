import type { StoredDocument } from './orama-db.ts'
import type { SearchDocument, SearchHit } from './types.ts'

const SNIPPET_CHARS = 160

/** About 160 characters of `text` around the first query word found in it (the start when none is). */
export function snippetOf (text: string, query: string): string {
  if (text === '') return ''
  const lower = text.toLowerCase()
  let at = -1
  for (const word of query.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2) continue
    at = lower.indexOf(word)
    if (at >= 0) break
  }
  const start = Math.max(0, at < 0 ? 0 : at - SNIPPET_CHARS / 4)
  const slice = text.slice(start, start + SNIPPET_CHARS).replace(/\s+/g, ' ').trim()
  return (start > 0 ? '…' : '') + slice + (start + SNIPPET_CHARS < text.length ? '…' : '')
}

/** The public view of a stored document. */
export function toSearchDocument (doc: StoredDocument): SearchDocument {
  const result: SearchDocument = {
    cid: doc.id,
    name: doc.name,
    mime: doc.mime,
    size: doc.size,
    tags: [...doc.tags],
    metadata: { ...doc.metadata },
    addedAt: doc.addedAt,
    updatedAt: doc.updatedAt,
    text: doc.text,
    textStatus: doc.textStatus
  }
  if (doc.textNote !== undefined) result.textNote = doc.textNote
  return result
}

/** A hit: the document without its full text, with a snippet instead. */
export function toHit (doc: StoredDocument, score: number, query: string): SearchHit {
  const { text, ...rest } = toSearchDocument(doc)
  return { cid: doc.id, score, document: { ...rest, snippet: snippetOf(text, query) } }
}
