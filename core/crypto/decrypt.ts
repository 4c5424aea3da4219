import { Decrypter } from 'age-encryption'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { DecryptError, InvalidInputError } from '../errors/index.ts'
import { translateDecryptError } from './errors.ts'
import { concat, headerEnd, parseHeader } from './header.ts'
import { nobleCipher, openPayloadStream } from './payload.ts'
import { READ_AHEAD_BYTES, bytesOf, readAhead } from './streams.ts'
import type { PayloadCipher } from './payload.ts'
import type { ByteSource } from './streams.ts'
import type { Identity } from 'age-encryption'

/**
 * Keys to try: X25519 identities (`AGE-SECRET-KEY-1…`, a WebCrypto X25519 private `CryptoKey`, or an age `Identity`
 * such as `fileKeyIdentity` for a share link's file key) and passphrases.
 */
export interface DecryptOptions {
  identities?: ReadonlyArray<string | CryptoKey | Identity>
  passphrases?: readonly string[]
  /** The payload's ChaCha20-Poly1305 (default `@noble/ciphers`; Node passes its native one). */
  cipher?: PayloadCipher
  signal?: AbortSignal
}

const NONCE = 16
/** Longest header read before giving up (a 1 KiB step per 9 recipients). */
const MAX_HEADER = 64 * 1024
/** How far decryption reads ahead of itself (a few age chunks). */

/** The library's decrypter holding every key of `options`. */
export function decrypterFor (options: DecryptOptions): Decrypter {
  const decrypter = new Decrypter()
  for (const identity of options.identities ?? []) decrypter.addIdentity(identity)
  for (const passphrase of options.passphrases ?? []) decrypter.addPassphrase(passphrase)
  if ((options.identities?.length ?? 0) + (options.passphrases?.length ?? 0) === 0) throw new InvalidInputError('decrypt needs an identity or a passphrase')
  return decrypter
}

/** The payload key from a header + nonce, with the library checking the keys and the header MAC. */
export async function streamKeyOf (header: Uint8Array, nonce: Uint8Array, decrypter: Decrypter): Promise<Uint8Array> {
  let fileKey: Uint8Array
  try {
    fileKey = await decrypter.decryptHeader(header)
  } catch (err) {
    throw translateDecryptError(err)
  }
  return hkdf(sha256, fileKey, nonce, new TextEncoder().encode('payload'), 32)
}

/**
 * Decrypt an age v1 file, streaming. The library unwraps the file key and checks the header MAC; every 64 KiB chunk
 * is authenticated before it is yielded, and the last carries age's final flag, so tampering and truncation raise
 * `ERR_DECRYPT` (never garbage); a file that is not age v1 raises `ERR_UNSUPPORTED_FORMAT`. A consumer that must not
 * act on a prefix of a file it later finds tampered should write to a temporary file and rename at the end (the CLI
 * does).
 */
export async function * decrypt (source: ByteSource, options: DecryptOptions): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const decrypter = decrypterFor(options)
  // the source (a network response) keeps arriving while chunks are decrypted, instead of waiting on each pull
  const input = readAhead(bytesOf(source), READ_AHEAD_BYTES)
  const parts: Uint8Array[] = []
  let head: Uint8Array = new Uint8Array(0)
  for (;;) {
    const end = headerEnd(head)
    if ((end !== undefined && head.length >= end + NONCE) || head.length > MAX_HEADER + NONCE) break
    const next = await input.next()
    if (next.done === true) break
    parts.push(next.value)
    head = concat(parts)
  }
  const { size } = parseHeader(head)
  if (head.length < size + NONCE) throw new DecryptError('the age file is cut short')
  const streamKey = await streamKeyOf(head.subarray(0, size), head.subarray(size, size + NONCE), decrypter)
  async function * payload (): AsyncGenerator<Uint8Array> {
    yield head.subarray(size + NONCE)
    yield * input
  }
  for await (const chunk of openPayloadStream(payload(), streamKey, options.cipher ?? nobleCipher)) {
    options.signal?.throwIfAborted()
    yield chunk
  }
}
