import { Encrypter } from 'age-encryption'
import { InvalidInputError } from '../errors/index.ts'
import { recipientBytes } from './keys.ts'
import { headerPadding } from './stanzas.ts'
import { iterateStream, toReadableStream } from './streams.ts'
import type { ByteSource } from './streams.ts'

/** Who can decrypt: X25519 recipients (`age1…`), or one passphrase (age's scrypt recipient must be alone). */
export interface EncryptOptions {
  recipients?: readonly string[]
  passphrase?: string
  /** scrypt's log2(N) for a passphrase; age's default is 18 (about a second). Tests use less. */
  scryptWorkFactor?: number
  signal?: AbortSignal
}

/** Check the options and make the library's encrypter. */
function encrypterFor (options: EncryptOptions): Encrypter {
  const recipients = options.recipients ?? []
  if ((recipients.length > 0) === (options.passphrase !== undefined)) {
    throw new InvalidInputError('encrypt to one or more recipients, or with a passphrase: exactly one of the two')
  }
  const encrypter = new Encrypter()
  if (options.passphrase !== undefined) {
    if (options.passphrase.length === 0) throw new InvalidInputError('the passphrase is empty')
    encrypter.setPassphrase(options.passphrase)
    if (options.scryptWorkFactor !== undefined) encrypter.setScryptWorkFactor(options.scryptWorkFactor)
    return encrypter
  }
  for (const recipient of recipients) {
    recipientBytes(recipient)
    encrypter.addRecipient(recipient)
  }
  encrypter.addRecipient(headerPadding(recipients.length))
  return encrypter
}

/**
 * Encrypt a byte stream into an age v1 file, streaming: a fresh random file key per call, the payload in age's STREAM
 * (ChaCha20-Poly1305, 64 KiB chunks), so memory stays bounded whatever the size. Recipient headers are padded to a
 * 1 KiB step so {@link share} can swap them without moving the payload.
 *
 * @example
 * ```ts
 * const { recipient } = await generateKeyPair()
 * for await (const chunk of encrypt(fileChunks, { recipients: [recipient] })) upload(chunk)
 * ```
 */
export async function * encrypt (source: ByteSource, options: EncryptOptions): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const encrypter = encrypterFor(options)
  const ciphertext = await encrypter.encrypt(toReadableStream(source))
  for await (const chunk of iterateStream(ciphertext, err => err instanceof Error ? err : new Error(String(err)))) {
    options.signal?.throwIfAborted()
    yield chunk
  }
}
