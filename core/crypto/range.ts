import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { DecryptError, InvalidRangeError } from '../errors/index.ts'
import { concat, headerEnd, parseHeader } from './header.ts'
import { chunkNonce, nobleCipher, SEALED_CHUNK, STREAM_CHUNK, TAG } from './payload.ts'
import { unwrapFileKey } from './share.ts'
import type { DecryptOptions } from './decrypt.ts'
import type { PayloadCipher } from './payload.ts'

const NONCE = 16
/** Longest header we look for before giving up (a 1 KiB step per 9 recipients). */
const MAX_HEADER = 64 * 1024

/** Random access to the ciphertext (e.g. a UnixFS `cat` with offset and length). */
export type ReadCiphertext = (offset: number, length: number) => Promise<Uint8Array>

/** Where an age file's payload is, and how to open its chunks. */
export interface OpenedPayload {
  streamKey: Uint8Array
  payloadStart: number
  payloadSize: number
  chunks: number
  /** Plaintext bytes of the whole file. */
  plaintextSize: number
}

/** Read and open the header of an age file of `size` bytes: the file key, the payload's key and geometry. */
export async function openPayload (read: ReadCiphertext, size: number, keys: DecryptOptions): Promise<OpenedPayload> {
  let header = await read(0, Math.min(size, 1024))
  const limit = Math.min(size, MAX_HEADER)
  while (headerEnd(header) === undefined && header.length < limit) {
    header = concat([header, await read(header.length, Math.min(limit - header.length, 4096))])
  }
  const { size: headerSize } = parseHeader(header)
  const fileKey = await unwrapFileKey(header, keys)
  const nonce = await read(headerSize, NONCE)
  if (nonce.length !== NONCE) throw new DecryptError('the age file is cut short')
  const payloadStart = headerSize + NONCE
  const payloadSize = size - payloadStart
  const chunks = Math.max(1, Math.ceil(payloadSize / SEALED_CHUNK))
  const last = payloadSize - (chunks - 1) * SEALED_CHUNK
  if (payloadSize < TAG || (chunks > 1 && last <= TAG)) throw new DecryptError('the age payload has an impossible size (truncated?)')
  return {
    streamKey: hkdf(sha256, fileKey, nonce, new TextEncoder().encode('payload'), 32),
    payloadStart,
    payloadSize,
    chunks,
    plaintextSize: payloadSize - chunks * TAG
  }
}

/** Decrypt STREAM chunk `index` (its nonce is the 11-byte big-endian counter and the final flag). */
async function openChunk (read: ReadCiphertext, payload: OpenedPayload, index: number, cipher?: PayloadCipher): Promise<Uint8Array> {
  const start = index * SEALED_CHUNK
  const length = Math.min(SEALED_CHUNK, payload.payloadSize - start)
  const sealed = await read(payload.payloadStart + start, length)
  if (sealed.length !== length) throw new DecryptError('the age file is cut short')
  try {
    return (cipher ?? nobleCipher).open(payload.streamKey, chunkNonce(index, index === payload.chunks - 1), sealed)
  } catch (err) {
    throw new DecryptError(`chunk ${index} of the age payload fails authentication (tampered?)`, { cause: err })
  }
}

/** A plaintext byte range to read. */
export interface RangeOptions extends DecryptOptions {
  /** Ciphertext size in bytes (UnixFS file size: authenticated by the CID). */
  size: number
  offset: number
  /** Bytes to read; default to the end. */
  length?: number
}

/**
 * Decrypt only the plaintext bytes `[offset, offset+length)` of an age file, reading and authenticating only the
 * 64 KiB chunks that hold them (plus the header and nonce). Chunk nonces carry their index and the final flag, so a
 * chunk moved, dropped or cut short fails authentication (`ERR_DECRYPT`).
 */
export async function * decryptRange (read: ReadCiphertext, options: RangeOptions): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  if (!Number.isSafeInteger(options.offset) || options.offset < 0 || (options.length !== undefined && (!Number.isSafeInteger(options.length) || options.length < 0))) {
    throw new InvalidRangeError('offset and length must be non-negative integers')
  }
  const payload = await openPayload(read, options.size, options)
  if (options.offset > payload.plaintextSize) throw new InvalidRangeError(`offset ${options.offset} is past the end (${payload.plaintextSize} bytes)`)
  const end = Math.min(payload.plaintextSize, options.offset + (options.length ?? payload.plaintextSize))
  if (end === options.offset) return
  for (let index = Math.floor(options.offset / STREAM_CHUNK); index * STREAM_CHUNK < end; index++) {
    options.signal?.throwIfAborted()
    const plain = await openChunk(read, payload, index, options.cipher)
    const base = index * STREAM_CHUNK
    yield plain.subarray(Math.max(0, options.offset - base), Math.min(plain.length, end - base))
  }
}
