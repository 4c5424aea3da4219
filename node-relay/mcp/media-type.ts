/** Media types by file extension, for content reached through a named path. */
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', html: 'text/html', htm: 'text/html', css: 'text/css', csv: 'text/csv',
  js: 'text/javascript', mjs: 'text/javascript', ts: 'text/plain', json: 'application/json', xml: 'application/xml',
  svg: 'image/svg+xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  avif: 'image/avif', ico: 'image/x-icon', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  tar: 'application/x-tar', wasm: 'application/wasm', mp3: 'audio/mpeg', wav: 'audio/wav', mp4: 'video/mp4',
  webm: 'video/webm', car: 'application/vnd.ipld.car'
}

/** Leading bytes of common binary formats. */
const SIGNATURES: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46], 'application/pdf'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[0x1f, 0x8b], 'application/gzip'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
  [[0x49, 0x44, 0x33], 'audio/mpeg']
]

function startsWith (bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte)
}

/**
 * The media type of some content: from the name's extension when there is one, else sniffed from its first bytes
 * (`isText` says whether the bytes read as UTF-8 text). Falls back to `application/octet-stream`.
 */
export function mediaTypeOf (bytes: Uint8Array, isText: boolean, name = ''): string {
  const dot = name.lastIndexOf('.')
  const byName = dot > name.lastIndexOf('/') ? BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined
  if (byName !== undefined) return byName
  for (const [signature, type] of SIGNATURES) if (startsWith(bytes, signature)) return type
  if (bytes.byteLength >= 12 && startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes.subarray(8), [0x57, 0x45, 0x42, 0x50])) return 'image/webp'
  return isText ? 'text/plain' : 'application/octet-stream'
}
