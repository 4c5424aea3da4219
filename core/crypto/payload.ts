import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { DecryptError } from '../errors/index.ts'

/** age's STREAM: 64 KiB plaintext chunks, each sealed with a 16-byte Poly1305 tag. */
export const STREAM_CHUNK = 64 * 1024
/** Poly1305 tag bytes. */
export const TAG = 16
/** A full sealed chunk. */
export const SEALED_CHUNK = STREAM_CHUNK + TAG

/**
 * ChaCha20-Poly1305 for the payload chunks. The default is `@noble/ciphers` (pure JavaScript, every runtime); Node
 * passes its native OpenSSL one (node-relay/crypto/native-cipher.ts), several times faster. WebCrypto has no ChaCha20.
 */
export interface PayloadCipher {
  seal: (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array) => Uint8Array
  /** Throws when the tag does not authenticate. */
  open: (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array) => Uint8Array
}

/** `@noble/ciphers`' ChaCha20-Poly1305, the one `age-encryption` uses. */
export const nobleCipher: PayloadCipher = {
  seal: (key, nonce, plaintext) => chacha20poly1305(key, nonce).encrypt(plaintext),
  open: (key, nonce, sealed) => chacha20poly1305(key, nonce).decrypt(sealed)
}

/** The nonce of chunk `index`: an 11-byte big-endian counter and the final-chunk flag. */
export function chunkNonce (index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12)
  let counter = index
  for (let i = 10; i >= 0 && counter > 0; i--) { nonce[i] = counter % 256; counter = Math.floor(counter / 256) }
  nonce[11] = last ? 1 : 0
  return nonce
}

/** Cut a byte stream into pieces of `size` bytes, holding the last one back so the caller knows which is final. */
async function * pieces (source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<{ bytes: Uint8Array, last: boolean }> {
  let buffer = new Uint8Array(size)
  let used = 0
  for await (let chunk of source) {
    while (chunk.length > 0) {
      if (used === size) {
        yield { bytes: buffer, last: false }
        buffer = new Uint8Array(size)
        used = 0
      }
      const n = Math.min(size - used, chunk.length)
      buffer.set(chunk.subarray(0, n), used)
      used += n
      chunk = chunk.subarray(n)
    }
  }
  yield { bytes: buffer.subarray(0, used), last: true }
}

/** Seal a plaintext stream as age's STREAM payload (a full last chunk when the size is a multiple of 64 KiB). */
export async function * sealPayload (source: AsyncIterable<Uint8Array>, streamKey: Uint8Array, cipher: PayloadCipher): AsyncGenerator<Uint8Array> {
  let index = 0
  for await (const piece of pieces(source, STREAM_CHUNK)) {
    yield cipher.seal(streamKey, chunkNonce(index++, piece.last), piece.bytes)
  }
}

/** Open age's STREAM payload chunk by chunk; any failure (tag, truncation, empty last chunk) is `ERR_DECRYPT`. */
export async function * openPayloadStream (source: AsyncIterable<Uint8Array>, streamKey: Uint8Array, cipher: PayloadCipher): AsyncGenerator<Uint8Array> {
  let index = 0
  for await (const piece of pieces(source, SEALED_CHUNK)) {
    if (piece.bytes.length < TAG) throw new DecryptError('the age payload is cut short')
    let plain: Uint8Array
    try {
      plain = cipher.open(streamKey, chunkNonce(index, piece.last), piece.bytes)
    } catch (err) {
      throw new DecryptError(`chunk ${index} of the age payload fails authentication (tampered or cut short?)`, { cause: err })
    }
    if (piece.last && plain.length === 0 && index > 0) throw new DecryptError('the age payload ends with an empty chunk')
    index++
    yield plain
  }
}
