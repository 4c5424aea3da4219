import { InvalidInputError } from '../../core/errors/index.ts'
import { TooLargeError } from './tool-result.ts'
import type { AbortOptions } from '../../core/abort.ts'

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/** Decode base64 (standard or URL alphabet, padding optional, whitespace ignored); anything else is `ERR_INVALID_INPUT`. */
export function decodeBase64 (text: string, field: string): Uint8Array {
  const compact = text.replace(/\s+/g, '')
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw new InvalidInputError(`${field} is not valid base64`)
  const buffer = Buffer.from(compact, 'base64')
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/** Standard base64 of bytes. */
export function encodeBase64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** Concatenate chunks into one array. */
export function concatBytes (chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]?.byteLength === total) return chunks[0]
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}

/**
 * Read a whole stream into memory, refusing (with `ERR_TOO_LARGE`) as soon as it passes `limit` bytes; `tooLarge`
 * writes the message, which should tell the agent what to do instead.
 */
export async function collectLimited (stream: AsyncIterable<Uint8Array>, limit: number, tooLarge: () => string, options: AbortOptions = {}): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of stream) {
    options.signal?.throwIfAborted()
    total += chunk.byteLength
    if (total > limit) throw new TooLargeError(tooLarge())
    chunks.push(chunk)
  }
  return concatBytes(chunks, total)
}

/**
 * The length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence, so a page cut at a byte
 * limit can still be shown as text and the next page starts on a character.
 */
export function utf8PrefixLength (bytes: Uint8Array): number {
  const end = bytes.byteLength
  for (let i = end - 1; i >= Math.max(0, end - 4); i--) {
    const byte = bytes[i] ?? 0
    if ((byte & 0xc0) === 0x80) continue // continuation byte: keep looking for the sequence's lead byte
    const needed = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return i + needed <= end ? end : i
  }
  return end
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * The bytes as text when they are valid UTF-8 without control characters other than tab, newline, carriage
 * return and form feed (what a person would call a text file); `undefined` for anything binary.
 */
export function asText (bytes: Uint8Array): string | undefined {
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return undefined
    if (byte === 0x7f) return undefined
  }
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}
