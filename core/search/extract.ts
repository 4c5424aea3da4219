import { lastCompleteUtf8, looksLikeText } from './mime.ts'
import type { TextStatus } from './types.ts'

/** The text of a document, or why there is none. */
export interface Extraction {
  text: string
  status: TextStatus
  /** Reason for `skipped`/`failed`; `truncated` when only the first bytes were read. */
  note?: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** Visible text of HTML: no scripts, styles or tags; common entities decoded. */
export function htmlToText (html: string): string {
  return html
    .replace(/<(script|style|noscript)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<[^>]*>?/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16))
      if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10))
      return ENTITIES[name.toLowerCase()] ?? entity
    })
    .replace(/\s+/g, ' ')
    .trim()
}

/** Markdown without its markup: headings, emphasis, link targets, code fences. */
export function markdownToText (markdown: string): string {
  return markdown
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Keys and string/number values of JSON (a cut-off document falls back to the quoted strings in it). */
export function jsonToText (json: string): string {
  const words: string[] = []
  const walk = (value: unknown): void => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') words.push(String(value))
    else if (Array.isArray(value)) value.forEach(walk)
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) { words.push(key); walk(child) }
    }
  }
  try {
    walk(JSON.parse(json))
  } catch {
    for (const match of json.matchAll(/"((?:[^"\\]|\\.)*)"/g)) words.push(match[1] ?? '')
  }
  return words.join(' ').replace(/\s+/g, ' ').trim()
}

/** Cells of CSV/TSV as words. */
export function csvToText (csv: string): string {
  return csv.replace(/[",;\t]+/g, ' ').replace(/\s+/g, ' ').trim()
}

const TEXT_TYPES = new Set(['application/json', 'application/x-ndjson', 'application/xml', 'application/yaml', 'application/xhtml+xml', 'image/svg+xml', 'application/javascript'])

/** Whether the index extracts text from this MIME type. */
export function isTextType (mime: string): boolean {
  return mime.startsWith('text/') || TEXT_TYPES.has(mime)
}

/**
 * Text of the first bytes of a document by MIME type: plain text, Markdown, JSON, HTML, CSV (and other text/*
 * as plain text). Binary types are skipped with the reason (`PDF` is named: no extractor is bundled), and bytes
 * that do not decode as UTF-8 fail with the reason. `truncated` says only `head` was read of a larger document.
 */
export function extractText (mime: string, head: Uint8Array, truncated: boolean): Extraction {
  if (mime === 'application/pdf') return { text: '', status: 'skipped', note: 'PDF text extraction is not supported; indexed by metadata' }
  if (!isTextType(mime)) return { text: '', status: 'skipped', note: `no text extractor for ${mime}; indexed by metadata` }
  if (!looksLikeText(head)) return { text: '', status: 'failed', note: `content declared ${mime} is not UTF-8 text; indexed by metadata` }
  const raw = new TextDecoder().decode(head.subarray(0, lastCompleteUtf8(head)))
  let text: string
  if (mime === 'text/html' || mime === 'application/xhtml+xml' || mime === 'image/svg+xml' || mime === 'application/xml') text = htmlToText(raw)
  else if (mime === 'text/markdown') text = markdownToText(raw)
  else if (mime === 'application/json' || mime === 'application/x-ndjson') text = jsonToText(raw)
  else if (mime === 'text/csv' || mime === 'text/tab-separated-values') text = csvToText(raw)
  else text = raw.replace(/\s+/g, ' ').trim()
  return truncated ? { text, status: 'extracted', note: 'truncated' } : { text, status: 'extracted' }
}
