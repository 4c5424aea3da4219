import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { base64nopad, bech32 } from '@scure/base'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { InvalidInputError } from '../errors/index.ts'
import type { HeaderStanza } from './header.ts'

/** A user's keypair in age's text encodings. The identity is secret; the recipient is what others encrypt to. */
export interface KeyPair {
  /** `AGE-SECRET-KEY-1…`: never leaves the owner's device (CLI config dir, browser IndexedDB). */
  identity: string
  /** `age1…`: the public key, safe to publish. */
  recipient: string
}

/** Make a new X25519 keypair. */
export async function generateKeyPair (): Promise<KeyPair> {
  const identity = await generateX25519Identity()
  return { identity, recipient: await identityToRecipient(identity) }
}

/** The public key (`age1…`) of an identity; throws `ERR_INVALID_INPUT` for anything that is not an X25519 identity. */
export async function recipientOf (identity: string): Promise<string> {
  if (!/^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(identity.trim())) throw new InvalidInputError('not an age X25519 identity (AGE-SECRET-KEY-1…)')
  try {
    return await identityToRecipient(identity.trim())
  } catch (err) {
    throw new InvalidInputError('not an age X25519 identity (AGE-SECRET-KEY-1…)', { cause: err })
  }
}

/** The 32 public-key bytes of an `age1…` recipient; throws `ERR_INVALID_INPUT` for anything else. */
export function recipientBytes (recipient: string): Uint8Array {
  const invalid = (cause?: unknown): InvalidInputError => new InvalidInputError(`"${recipient.slice(0, 80)}" is not an age X25519 recipient (age1…)`, { cause })
  let decoded: { prefix: string, bytes: Uint8Array }
  try {
    decoded = bech32.decodeToBytes(recipient)
  } catch (err) {
    throw invalid(err)
  }
  if (!recipient.startsWith('age1') || decoded.prefix.toLowerCase() !== 'age' || decoded.bytes.length !== 32) throw invalid()
  return decoded.bytes
}

const X25519_LABEL = new TextEncoder().encode('age-encryption.org/v1/X25519')

/**
 * Wrap a file key for an X25519 recipient as the age spec's X25519 stanza does (ephemeral share, HKDF over
 * share‖recipient, ChaCha20-Poly1305 with a zero nonce). `age-encryption` does not export its recipient class, and a
 * share needs a stanza for an existing file key; test/crypto/age-interop.test.ts checks the library opens ours.
 */
export function wrapFileKey (fileKey: Uint8Array, recipient: string): HeaderStanza {
  const publicKey = recipientBytes(recipient)
  const ephemeral = randomBytes(32)
  const share = x25519.getPublicKey(ephemeral)
  const secret = x25519.getSharedSecret(ephemeral, publicKey)
  const salt = new Uint8Array(64)
  salt.set(share)
  salt.set(publicKey, 32)
  const key = hkdf(sha256, secret, salt, X25519_LABEL, 32)
  return { args: ['X25519', base64nopad.encode(share)], body: chacha20poly1305(key, new Uint8Array(12)).encrypt(fileKey) }
}
