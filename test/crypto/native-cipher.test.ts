import { describe, expect, it } from 'vitest'
import { decrypt, decryptRange, encrypt, generateKeyPair, nobleCipher, STREAM_CHUNK } from '../../core/crypto/index.ts'
import { nativeCipher } from '../../node-relay/crypto/native-cipher.ts'

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

describe('Node\'s native ChaCha20-Poly1305 and @noble/ciphers are the same AEAD', () => {
  it('each opens what the other sealed, and the native one detects tampering', async () => {
    const me = await generateKeyPair()
    const plain = new Uint8Array(2 * STREAM_CHUNK + 99).map((_, i) => i * 7)
    const native = await collect(encrypt([plain], { recipients: [me.recipient], cipher: nativeCipher }))
    const noble = await collect(encrypt([plain], { recipients: [me.recipient], cipher: nobleCipher }))
    expect(await collect(decrypt([native], { identities: [me.identity], cipher: nobleCipher }))).toEqual(plain)
    expect(await collect(decrypt([noble], { identities: [me.identity], cipher: nativeCipher }))).toEqual(plain)
    const read = async (offset: number, length: number): Promise<Uint8Array> => native.slice(offset, offset + length)
    expect(await collect(decryptRange(read, { size: native.length, offset: STREAM_CHUNK + 1, length: 50, identities: [me.identity], cipher: nativeCipher }))).toEqual(plain.subarray(STREAM_CHUNK + 1, STREAM_CHUNK + 51))
    const tampered = native.slice()
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 1
    await expect(collect(decrypt([tampered], { identities: [me.identity], cipher: nativeCipher }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    const empty = await collect(encrypt([], { recipients: [me.recipient], cipher: nativeCipher }))
    expect(await collect(decrypt([empty], { identities: [me.identity], cipher: nativeCipher }))).toEqual(new Uint8Array(0))
  })
})
