import { base64urlnopad } from '@scure/base'
import { InvalidInputError } from '../errors/index.ts'
import type { Identity } from 'age-encryption'

/** Bytes of an age file key. */
const FILE_KEY_BYTES = 16

/**
 * An age identity that answers every header with a file key already known (from a share link): the library still
 * checks the header MAC with it, so a wrong key or another file's key fails as `ERR_DECRYPT`, never as garbage.
 *
 * @example
 * ```ts
 * for await (const plain of decrypt(ciphertext, { identities: [fileKeyIdentity(parseFileKey(link.key))] })) use(plain)
 * ```
 */
export function fileKeyIdentity (fileKey: Uint8Array): Identity {
  if (fileKey.length !== FILE_KEY_BYTES) throw new InvalidInputError(`an age file key is ${FILE_KEY_BYTES} bytes, not ${fileKey.length}`)
  return { unwrapFileKey: () => fileKey }
}

/** A file key as text for a URL fragment (base64url, no padding: 22 characters). */
export function formatFileKey (fileKey: Uint8Array): string {
  return base64urlnopad.encode(fileKey)
}

/** The file key of {@link formatFileKey}; `ERR_INVALID_INPUT` for anything else. */
export function parseFileKey (text: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base64urlnopad.decode(text)
  } catch (err) {
    throw new InvalidInputError('the share key is not base64url', { cause: err })
  }
  if (bytes.length !== FILE_KEY_BYTES) throw new InvalidInputError(`the share key is ${bytes.length} bytes, not ${FILE_KEY_BYTES}`)
  return bytes
}
