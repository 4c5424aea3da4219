import { Decrypter } from 'age-encryption'
import { InvalidInputError } from '../errors/index.ts'
import { translateDecryptError } from './errors.ts'
import { iterateStream, toReadableStream } from './streams.ts'
import type { ByteSource } from './streams.ts'

/** Keys to try: X25519 identities (`AGE-SECRET-KEY-1…` or a WebCrypto X25519 private `CryptoKey`) and passphrases. */
export interface DecryptOptions {
  identities?: ReadonlyArray<string | CryptoKey>
  passphrases?: readonly string[]
  signal?: AbortSignal
}

/** The library's decrypter holding every key of `options`. */
export function decrypterFor (options: DecryptOptions): Decrypter {
  const decrypter = new Decrypter()
  for (const identity of options.identities ?? []) decrypter.addIdentity(identity)
  for (const passphrase of options.passphrases ?? []) decrypter.addPassphrase(passphrase)
  if ((options.identities?.length ?? 0) + (options.passphrases?.length ?? 0) === 0) throw new InvalidInputError('decrypt needs an identity or a passphrase')
  return decrypter
}

/**
 * Decrypt an age v1 file, streaming. Every 64 KiB chunk is authenticated before it is yielded, and the last chunk
 * carries age's final flag, so tampering and truncation raise `ERR_DECRYPT` (never garbage); a file that is not age v1
 * raises `ERR_UNSUPPORTED_FORMAT`. A consumer that must not act on a prefix of a file it later finds tampered should
 * buffer or write to a temporary file and rename at the end (the CLI does).
 */
export async function * decrypt (source: ByteSource, options: DecryptOptions): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const decrypter = decrypterFor(options)
  let plaintext: ReadableStream<Uint8Array>
  try {
    plaintext = await decrypter.decrypt(toReadableStream(source))
  } catch (err) {
    throw translateDecryptError(err)
  }
  for await (const chunk of iterateStream(plaintext, translateDecryptError)) {
    options.signal?.throwIfAborted()
    yield chunk
  }
}
