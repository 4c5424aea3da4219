import { createCipheriv, createDecipheriv } from 'node:crypto'
import type { PayloadCipher } from '../../core/crypto/index.ts'

const TAG = 16

/**
 * Node's native ChaCha20-Poly1305 (OpenSSL) for age payload chunks: the same AEAD as `@noble/ciphers`, several times
 * faster. The CLI and the bench pass it to `encrypt`/`decrypt`; test/crypto/native-cipher.test.ts checks the two
 * open each other's chunks.
 */
export const nativeCipher: PayloadCipher = {
  seal (key, nonce, plaintext) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
    const head = cipher.update(plaintext)
    const tail = cipher.final()
    const out = new Uint8Array(head.length + tail.length + TAG)
    out.set(head)
    out.set(tail, head.length)
    out.set(cipher.getAuthTag(), head.length + tail.length)
    return out
  },
  open (key, nonce, sealed) {
    if (sealed.length < TAG) throw new Error('sealed chunk shorter than its tag')
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG))
    const head = decipher.update(sealed.subarray(0, sealed.length - TAG))
    const tail = decipher.final()
    if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length)
    const out = new Uint8Array(head.length + tail.length)
    out.set(head)
    out.set(tail, head.length)
    return out
  }
}
