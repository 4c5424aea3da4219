import { DecryptError, UnsupportedFormatError, isIpfsKitError } from '../errors/index.ts'

/**
 * Translate an error from `age-encryption` or `@noble/ciphers` into ours: an unknown version is
 * `ERR_UNSUPPORTED_FORMAT`; every other failure (no matching key, a bad MAC or AEAD tag, a cut-short file, a malformed
 * header) is `ERR_DECRYPT`. Our own typed errors pass through.
 */
export function translateDecryptError (err: unknown): Error {
  if (isIpfsKitError(err)) return err
  const message = err instanceof Error ? err.message : String(err)
  if (message.startsWith('invalid version')) return new UnsupportedFormatError('not an age v1 file', { cause: err })
  return new DecryptError(`cannot decrypt: ${message}`, { cause: err })
}
