import { parseCid } from '../content/cid.ts'
import { extractText } from './extract.ts'
import { detectMime } from './mime.ts'
import type { AbortOptions } from '../abort.ts'
import type { IpfsService } from '../service/ipfs-service.ts'
import type { DocumentInput, MetadataValue } from './types.ts'

/** The service operations indexing uses (reads are verified against the CID by the service). */
export type ContentReader = Pick<IpfsService, 'stat' | 'cat' | 'ls' | 'pinLs'>

/** Options of {@link describeContent}. */
export interface DescribeOptions extends AbortOptions {
  /** Name to use when the pin has none (e.g. from a `content:added` event). */
  name?: string
  /** Bytes read from the start of a file for text extraction (default 256 KiB). */
  maxBytes?: number
}

/** Pin metadata keys that are not kept as plain metadata. */
const TAGS_KEY = 'tags'
const MIME_KEYS = ['mime', 'contentType', 'content-type']
const MAX_DIRECTORY_NAMES = 1000

/** Tags from pin metadata: `tags: "a, b"` (metadata values are scalars, so tags are a comma-separated string). */
export function tagsOf (metadata: Record<string, MetadataValue>): string[] {
  const value = metadata[TAGS_KEY]
  if (typeof value !== 'string') return []
  return value.split(',').map(tag => tag.trim()).filter(tag => tag !== '')
}

async function readHead (reader: ContentReader, cid: string, maxBytes: number, options?: AbortOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of reader.cat(cid, { length: maxBytes, signal: options?.signal })) {
    chunks.push(chunk)
    length += chunk.byteLength
  }
  const head = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) { head.set(chunk, at); at += chunk.byteLength }
  return head
}

/**
 * The search document of a CID: its pin's name, tags and metadata, its size and type, and the text of its first
 * `maxBytes` (read through the service, so verified). A document whose text cannot be read or extracted is still
 * described by its metadata, with the reason in `textNote`.
 */
export async function describeContent (reader: ContentReader, cid: string, options: DescribeOptions = {}): Promise<DocumentInput> {
  const maxBytes = options.maxBytes ?? 256 * 1024
  let pinName = ''
  let metadata: Record<string, MetadataValue> = {}
  for await (const pin of reader.pinLs({ cid: parseCid(cid), signal: options.signal })) {
    pinName = pin.name
    metadata = { ...pin.metadata }
  }
  const tags = tagsOf(metadata)
  const mimeHint = MIME_KEYS.map(key => metadata[key]).find((value): value is string => typeof value === 'string')
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== TAGS_KEY && !MIME_KEYS.includes(key)))
  const name = pinName !== '' ? pinName : options.name ?? ''
  const stat = await reader.stat(cid, { signal: options.signal })
  const base = { cid, name, tags, metadata: kept, size: stat.size }
  if (stat.type === 'directory') {
    const names: string[] = []
    for await (const entry of reader.ls(cid, { signal: options.signal })) {
      names.push(entry.name)
      if (names.length >= MAX_DIRECTORY_NAMES) break
    }
    return { ...base, mime: 'inode/directory', text: names.join(' '), textStatus: 'extracted', textNote: 'directory entry names' }
  }
  let head: Uint8Array
  try {
    head = await readHead(reader, cid, maxBytes, options)
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    const code = err instanceof Error && 'code' in err ? String(err.code) : err instanceof Error ? err.name : 'error'
    return { ...base, mime: detectMime({ mime: mimeHint, name }, new Uint8Array(0)), text: '', textStatus: 'failed', textNote: `content could not be read (${code}); indexed by metadata` }
  }
  const mime = detectMime({ mime: mimeHint, name }, head)
  const extraction = extractText(mime, head, stat.size > head.byteLength)
  const doc: DocumentInput = { ...base, mime, text: extraction.text, textStatus: extraction.status }
  if (extraction.note !== undefined) doc.textNote = extraction.note
  return doc
}
