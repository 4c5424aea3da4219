import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64nopad } from '@scure/base'
import { DecryptError, InvalidInputError, IpfsKitError, UnsupportedFormatError } from '../errors/index.ts'

/**
 * The age v1 header (https://age-encryption.org/v1), read and written byte for byte as `age-encryption` does, so
 * ipfs-kit can (1) find where the payload starts without a key, (2) pad headers to a fixed size so a share (a new
 * header for the same file key) has the same length and every UnixFS leaf after the first is unchanged, and (3) sign
 * a new header with the file key. Encryption and decryption of whole files go through the library itself.
 */

/** First line of every age v1 file. */
export const AGE_VERSION_LINE = 'age-encryption.org/v1'
/** Headers we write are padded to a multiple of this many bytes (room for 9 X25519 recipients in the first). */
export const HEADER_BLOCK = 1024
/** The stanza type of our padding; age identities skip stanzas they do not know (the spec's "grease"). */
export const PAD_STANZA_TYPE = 'ipfs-kit.dev/pad'

/** One header stanza: arguments and a binary body. Same shape as `age-encryption`'s `Stanza`. */
export interface HeaderStanza {
  readonly args: string[]
  readonly body: Uint8Array
}

/** A parsed header. */
export interface ParsedHeader {
  stanzas: HeaderStanza[]
  /** The header up to and including `---`: what the MAC covers. */
  headerNoMac: Uint8Array
  mac: Uint8Array
  /** Bytes of the whole header, `\n` after the MAC included; the 16-byte payload nonce follows. */
  size: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Encode stanzas and the `---` line, without the MAC (the bytes the MAC covers). */
export function encodeHeaderNoMac (stanzas: readonly HeaderStanza[]): Uint8Array {
  const lines = [`${AGE_VERSION_LINE}\n`]
  for (const stanza of stanzas) {
    lines.push(`-> ${stanza.args.join(' ')}\n`)
    for (let i = 0; i < stanza.body.length; i += 48) lines.push(base64nopad.encode(stanza.body.subarray(i, i + 48)) + '\n')
    if (stanza.body.length % 48 === 0) lines.push('\n')
  }
  lines.push('---')
  return encoder.encode(lines.join(''))
}

/** The header MAC: HMAC-SHA-256 keyed by HKDF(file key, "header") over the header without its MAC. */
export function headerMac (fileKey: Uint8Array, headerNoMac: Uint8Array): Uint8Array {
  const key = hkdf(sha256, fileKey, undefined, encoder.encode('header'), 32)
  return hmac(sha256, key, headerNoMac)
}

/** A complete header for `stanzas`, signed with `fileKey`. */
export function encodeHeader (stanzas: readonly HeaderStanza[], fileKey: Uint8Array): Uint8Array {
  const noMac = encodeHeaderNoMac(stanzas)
  const tail = encoder.encode(` ${base64nopad.encode(headerMac(fileKey, noMac))}\n`)
  const out = new Uint8Array(noMac.length + tail.length)
  out.set(noMac)
  out.set(tail, noMac.length)
  return out
}

/** Bytes of an encoded header with these stanzas and a MAC. */
export function encodedHeaderSize (stanzas: readonly HeaderStanza[]): number {
  return encodeHeaderNoMac(stanzas).length + 1 + 43 + 1
}

/** Smallest padding stanza we can write: `-> ipfs-kit.dev/pad x\n\n`. */
const MIN_PAD = PAD_STANZA_TYPE.length + 7

/**
 * A padding stanza that makes a header with `stanzas` exactly `target` bytes long; `undefined` when it already is.
 * Throws when the stanzas alone are too large for `target`.
 */
export function padStanza (stanzas: readonly HeaderStanza[], target: number): HeaderStanza | undefined {
  const missing = target - encodedHeaderSize(stanzas)
  if (missing === 0) return undefined
  if (missing < MIN_PAD) throw new InvalidInputError(`an age header with these recipients does not fit in ${target} bytes`)
  // "-> <type> <filler>\n" + k full 48-byte body lines (65 chars each) + the empty line that ends a body of 48·k bytes
  const fixed = PAD_STANZA_TYPE.length + 6
  const lines = Math.floor((missing - fixed - 1) / 65)
  const filler = missing - fixed - 65 * lines
  return { args: [PAD_STANZA_TYPE, 'x'.repeat(filler)], body: new Uint8Array(48 * lines) }
}

/** Header size we write for stanzas: the next multiple of {@link HEADER_BLOCK} with room for a padding stanza. */
export function paddedHeaderSize (stanzas: readonly HeaderStanza[]): number {
  return Math.ceil((encodedHeaderSize(stanzas) + MIN_PAD) / HEADER_BLOCK) * HEADER_BLOCK
}

/** Where the header ends in `bytes` (its size), or `undefined` when `bytes` does not hold all of it yet. */
export function headerEnd (bytes: Uint8Array): number | undefined {
  let lineStart = 0
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue
    if (bytes[lineStart] === 0x2d && bytes[lineStart + 1] === 0x2d && bytes[lineStart + 2] === 0x2d) return i + 1
    lineStart = i + 1
  }
  return undefined
}

/**
 * Parse the header at the start of `bytes` (which may hold more: the payload follows).
 * @throws UnsupportedFormatError when the first line is not `age-encryption.org/v1`
 * @throws DecryptError when the header is malformed or cut short
 */
export function parseHeader (bytes: Uint8Array): ParsedHeader {
  try {
    return parseHeaderBytes(bytes)
  } catch (err) {
    if (err instanceof IpfsKitError) throw err
    throw new DecryptError('malformed age header', { cause: err })
  }
}

function parseHeaderBytes (bytes: Uint8Array): ParsedHeader {
  const firstLineEnd = bytes.indexOf(0x0a)
  const firstLine = decoder.decode(bytes.subarray(0, firstLineEnd < 0 ? Math.min(bytes.length, 64) : firstLineEnd))
  if (firstLineEnd < 0 ? !AGE_VERSION_LINE.startsWith(firstLine) || firstLine.length === 0 : firstLine !== AGE_VERSION_LINE) {
    throw new UnsupportedFormatError(`not an age v1 file (first line "${firstLine.slice(0, 40)}")`)
  }
  const end = headerEnd(bytes)
  if (end === undefined) throw new DecryptError('the age header is cut short')
  const lines = decoder.decode(bytes.subarray(firstLineEnd + 1, end - 1)).split('\n')
  const macLine = lines.pop() ?? ''
  const stanzas: HeaderStanza[] = []
  for (let i = 0; i < lines.length;) {
    const args = (lines[i] ?? '').split(' ')
    if (args.shift() !== '->' || args.length === 0 || args.some(arg => arg.length === 0)) throw new DecryptError('malformed age header stanza')
    const body: Uint8Array[] = []
    for (i++; ; i++) {
      if (i >= lines.length) throw new DecryptError('malformed age header stanza')
      const line = base64nopad.decode(lines[i] ?? '')
      body.push(line)
      if (line.length < 48) { i++; break }
    }
    stanzas.push({ args, body: concat(body) })
  }
  const mac = base64nopad.decode(macLine.slice(4))
  if (!macLine.startsWith('--- ') || mac.length !== 32) throw new DecryptError('malformed age header MAC')
  return { stanzas, headerNoMac: bytes.slice(0, end - 1 - macLine.length + 3), mac, size: end }
}

/** Join byte arrays. */
export function concat (parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.length }
  return out
}

const MAGIC = encoder.encode(`${AGE_VERSION_LINE}\n`)

/** True when `bytes` start like an age v1 file (a cheap check: the relay uses it to keep ciphertext out of search). */
export function isAgeFile (bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false
  return true
}
