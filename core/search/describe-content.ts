import { parseCid } from '../content/cid.ts'
import { isAgeFile } from '../crypto/header.ts'
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
/** MIME type recorded for end-to-end encrypted files (age has no registered one; this is the one its tools use). */
export const ENCRYPTED_MIME = 'application/x-age-encryption'

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
 * What is read about a CID before its document is built: pin name and metadata, size, and the first bytes (or the
 * directory's names, or why reading failed). Reading is I/O; building ({@link documentFromFacts}) is CPU, so a
 * browser reads on the main thread and builds in a worker.
 */
export interface ContentFacts {
  cid: string
  name: string
  metadata: Record<string, MetadataValue>
  size: number
  directoryNames?: string[]
  head?: Uint8Array
  readError?: string
}

/** Read the facts of a CID through the service (content reads are verified against the CID). */
export async function readContentFacts (reader: ContentReader, cid: string, options: DescribeOptions = {}): Promise<ContentFacts> {
  const maxBytes = options.maxBytes ?? 256 * 1024
  let pinName = ''
  let metadata: Record<string, MetadataValue> = {}
  for await (const pin of reader.pinLs({ cid: parseCid(cid), signal: options.signal })) {
    pinName = pin.name
    metadata = { ...pin.metadata }
  }
  const name = pinName !== '' ? pinName : options.name ?? ''
  const stat = await reader.stat(cid, { signal: options.signal })
  const facts: ContentFacts = { cid, name, metadata, size: stat.size }
  if (stat.type === 'directory') {
    const names: string[] = []
    for await (const entry of reader.ls(cid, { signal: options.signal })) {
      names.push(entry.name)
      if (names.length >= MAX_DIRECTORY_NAMES) break
    }
    return { ...facts, directoryNames: names }
  }
  try {
    return { ...facts, head: await readHead(reader, cid, maxBytes, options) }
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    const code = err instanceof Error && 'code' in err ? String(err.code) : err instanceof Error ? err.name : 'error'
    return { ...facts, readError: code }
  }
}

/**
 * The search document from read facts: tags and MIME type from the pin metadata (`tags: "a, b"`, `mime`), else the
 * type from the name or the first bytes, and the extracted text. A document whose text cannot be read or
 * extracted is still described by its metadata, with the reason in `textNote`.
 */
export function documentFromFacts (facts: ContentFacts): DocumentInput {
  const { metadata } = facts
  const tags = tagsOf(metadata)
  const mimeHint = MIME_KEYS.map(key => metadata[key]).find((value): value is string => typeof value === 'string')
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== TAGS_KEY && !MIME_KEYS.includes(key)))
  const base = { cid: facts.cid, name: facts.name, tags, metadata: kept, size: facts.size }
  if (facts.directoryNames !== undefined) {
    return { ...base, mime: 'inode/directory', text: facts.directoryNames.join(' '), textStatus: 'extracted', textNote: 'directory entry names' }
  }
  if (facts.head === undefined) {
    return { ...base, mime: detectMime({ mime: mimeHint, name: facts.name }, new Uint8Array(0)), text: '', textStatus: 'failed', textNote: `content could not be read (${facts.readError ?? 'error'}); indexed by metadata` }
  }
  if (isAgeFile(facts.head)) {
    // end-to-end encrypted (core/crypto): the bytes are ciphertext, and the header's stanzas must not become words
    return { ...base, mime: ENCRYPTED_MIME, text: '', textStatus: 'skipped', textNote: 'encrypted (age v1): contents are not indexed' }
  }
  const mime = detectMime({ mime: mimeHint, name: facts.name }, facts.head)
  const extraction = extractText(mime, facts.head, facts.size > facts.head.byteLength)
  const doc: DocumentInput = { ...base, mime, text: extraction.text, textStatus: extraction.status }
  if (extraction.note !== undefined) doc.textNote = extraction.note
  return doc
}

/** The search document of a CID: {@link readContentFacts} then {@link documentFromFacts}. */
export async function describeContent (reader: ContentReader, cid: string, options: DescribeOptions = {}): Promise<DocumentInput> {
  return documentFromFacts(await readContentFacts(reader, cid, options))
}
