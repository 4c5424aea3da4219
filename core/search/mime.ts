/** MIME types by file extension, for the types the index extracts text from and the common binary ones. */
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain', text: 'text/plain', log: 'text/plain',
  md: 'text/markdown', markdown: 'text/markdown',
  json: 'application/json', jsonl: 'application/x-ndjson', ndjson: 'application/x-ndjson',
  html: 'text/html', htm: 'text/html', xhtml: 'application/xhtml+xml',
  csv: 'text/csv', tsv: 'text/tab-separated-values',
  xml: 'application/xml', yaml: 'application/yaml', yml: 'application/yaml',
  js: 'text/javascript', ts: 'text/x-typescript', css: 'text/css',
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  svg: 'image/svg+xml', mp3: 'audio/mpeg', mp4: 'video/mp4', zip: 'application/zip', gz: 'application/gzip',
  wav: 'audio/wav', ogg: 'audio/ogg', oga: 'audio/ogg', flac: 'audio/flac', m4a: 'audio/mp4', webm: 'video/webm', ogv: 'video/ogg', mov: 'video/quicktime',
  wasm: 'application/wasm', car: 'application/vnd.ipld.car'
}

/** Leading bytes of binary formats. */
const MAGIC: Array<[number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46], 'application/pdf'],
  [[0x89, 0x50, 0x4e, 0x47], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[0x1f, 0x8b], 'application/gzip'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
  [[0x49, 0x44, 0x33], 'audio/mpeg'], // ID3-tagged MP3
  [[0x4f, 0x67, 0x67, 0x53], 'audio/ogg'],
  [[0x66, 0x4c, 0x61, 0x43], 'audio/flac'],
  [[0x1a, 0x45, 0xdf, 0xa3], 'video/webm']
]

/** Formats known by bytes further in: RIFF containers (by their form type at 8) and ISO media (`ftyp` at 4). */
const MAGIC_AT: Array<[number, number[], string]> = [
  [8, [0x57, 0x41, 0x56, 0x45], 'audio/wav'],
  [8, [0x57, 0x45, 0x42, 0x50], 'image/webp'],
  [4, [0x66, 0x74, 0x79, 0x70], 'video/mp4']
]

/** The MIME type of a file name's extension, if known. */
export function mimeFromName (name: string): string | undefined {
  const dot = name.lastIndexOf('.')
  if (dot < 0) return undefined
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()]
}

/** Whether bytes look like text: no NUL byte and valid UTF-8 (a sequence cut at the end is allowed). */
export function looksLikeText (bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096)
  if (head.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastCompleteUtf8(head)))
    return true
  } catch {
    return false
  }
}

/** Length of `bytes` without a trailing, incomplete UTF-8 sequence. */
export function lastCompleteUtf8 (bytes: Uint8Array): number {
  let i = bytes.length - 1
  let continuation = 0
  while (i >= 0 && continuation < 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) { i--; continuation++ }
  if (i < 0) return bytes.length
  const lead = bytes[i] ?? 0
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0
  return needed > continuation ? i : bytes.length
}

/**
 * The MIME type of content: an explicit one wins, then the name's extension, then magic bytes, then
 * `text/plain` for anything that decodes as UTF-8, else `application/octet-stream`.
 */
export function detectMime (hint: { mime?: string, name?: string }, head: Uint8Array): string {
  if (hint.mime !== undefined && hint.mime !== '') return hint.mime.toLowerCase().split(';')[0]?.trim() ?? hint.mime
  const byName = hint.name === undefined ? undefined : mimeFromName(hint.name)
  if (byName !== undefined) return byName
  for (const [magic, mime] of MAGIC) if (magic.every((b, i) => head[i] === b)) return mime
  for (const [offset, magic, mime] of MAGIC_AT) if (magic.every((b, i) => head[offset + i] === b)) return mime
  if (head.byteLength > 0 && looksLikeText(head)) {
    const start = new TextDecoder().decode(head.subarray(0, 256)).trimStart().toLowerCase()
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html'
    if (start.startsWith('{') || start.startsWith('[')) return 'application/json'
    return 'text/plain'
  }
  return 'application/octet-stream'
}
