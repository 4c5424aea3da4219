import { InvalidInputError } from '../errors/index.ts'
import { NotSupportedError } from '../storage/errors.ts'
import { decrypterFor } from './decrypt.ts'
import { translateDecryptError } from './errors.ts'
import { encodeHeader, parseHeader } from './header.ts'
import { shareStanzas } from './stanzas.ts'
import type { DecryptOptions } from './decrypt.ts'

/** Read the file key from a header with one of the caller's keys (checks the header MAC). */
export async function unwrapFileKey (header: Uint8Array, keys: DecryptOptions): Promise<Uint8Array> {
  const parsed = parseHeader(header)
  try {
    return await decrypterFor(keys).decryptHeader(header.subarray(0, parsed.size))
  } catch (err) {
    throw translateDecryptError(err)
  }
}

/**
 * A new age header for the same file key, readable by `recipients` only, exactly as long as the old one. The file
 * key is unwrapped with the caller's `keys`; the old header's recipients do not appear in the new one. Old header +
 * payload and new header + the same payload are both valid age files; since the sizes match, only the bytes of the
 * header change, so in UnixFS only the first leaf (and the nodes above it) are new: sharing re-uploads no payload.
 *
 * Revoking is not possible this way: whoever had the file key keeps it. Revoke by re-encrypting (a new file key).
 *
 * @throws NotSupportedError for a passphrase-encrypted file (its header has no room for recipients)
 */
export async function rewrapHeader (header: Uint8Array, keys: DecryptOptions, recipients: readonly string[]): Promise<Uint8Array> {
  if (recipients.length === 0) throw new InvalidInputError('share needs at least one recipient')
  const parsed = parseHeader(header)
  const fileKey = await unwrapFileKey(header, keys)
  if (parsed.stanzas.some(stanza => stanza.args[0] === 'scrypt')) {
    throw new NotSupportedError('a passphrase-encrypted file cannot be shared by re-wrapping its key: re-encrypt it to recipients')
  }
  try {
    return encodeHeader(shareStanzas(fileKey, recipients, parsed.size), fileKey)
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError(`${recipients.length} recipients do not fit in this file's ${parsed.size}-byte header: share with fewer at a time`)
    throw err
  }
}
