import { describe, expect, it } from 'vitest'
import { decrypt, decryptRange, encrypt, generateKeyPair, parseHeader, recipientOf, rewrapHeader, STREAM_CHUNK } from '../../core/crypto/index.ts'

/** Deterministic bytes of a given size. */
function bytesOf (size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24 }
  return out
}

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.length }
  return out
}

/** Split into uneven chunks, as a network would deliver them. */
function * chunked (bytes: Uint8Array, size = 10_007): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

const reader = (bytes: Uint8Array) => async (offset: number, length: number) => bytes.slice(offset, offset + length)

describe('core/crypto: age v1 encryption', () => {
  it.each([0, 1, STREAM_CHUNK, STREAM_CHUNK + 1, 1024 * 1024])('round-trips %i bytes to a recipient', async (size) => {
    const me = await generateKeyPair()
    const plain = bytesOf(size)
    const ciphertext = await collect(encrypt(chunked(plain), { recipients: [me.recipient] }))
    expect(parseHeader(ciphertext).size % 1024).toBe(0)
    expect(await collect(decrypt(chunked(ciphertext), { identities: [me.identity] }))).toEqual(plain)
  })

  it('round-trips with a passphrase', async () => {
    const plain = bytesOf(100_000)
    const ciphertext = await collect(encrypt([plain], { passphrase: 'correct horse battery staple', scryptWorkFactor: 10 }))
    expect(await collect(decrypt([ciphertext], { passphrases: ['correct horse battery staple'] }))).toEqual(plain)
    await expect(collect(decrypt([ciphertext], { passphrases: ['wrong'] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
  })

  it('refuses a wrong key with ERR_DECRYPT', async () => {
    const me = await generateKeyPair()
    const other = await generateKeyPair()
    const ciphertext = await collect(encrypt([bytesOf(1000)], { recipients: [me.recipient] }))
    await expect(collect(decrypt([ciphertext], { identities: [other.identity] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
  })

  it('detects a flipped byte anywhere: header, nonce, any chunk, the last tag', async () => {
    const me = await generateKeyPair()
    const ciphertext = await collect(encrypt([bytesOf(3 * STREAM_CHUNK + 500)], { recipients: [me.recipient] }))
    const headerSize = parseHeader(ciphertext).size
    for (const at of [30, headerSize - 3, headerSize + 3, headerSize + 16 + 5, headerSize + 16 + STREAM_CHUNK + 100, ciphertext.length - 1]) {
      const tampered = ciphertext.slice()
      tampered[at] = (tampered[at] ?? 0) ^ 1
      await expect(collect(decrypt(chunked(tampered), { identities: [me.identity] })), `byte ${at}`).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    }
  })

  it('detects truncation, including at a chunk boundary, and appended bytes', async () => {
    const me = await generateKeyPair()
    const ciphertext = await collect(encrypt([bytesOf(2 * STREAM_CHUNK + 10)], { recipients: [me.recipient] }))
    const payloadStart = parseHeader(ciphertext).size + 16
    const cuts = [ciphertext.length - 1, payloadStart + STREAM_CHUNK + 16, payloadStart + 2 * (STREAM_CHUNK + 16), payloadStart, 500]
    for (const cut of cuts) {
      await expect(collect(decrypt([ciphertext.subarray(0, cut)], { identities: [me.identity] })), `cut at ${cut}`).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    }
    const longer = new Uint8Array(ciphertext.length + 1)
    longer.set(ciphertext)
    await expect(collect(decrypt([longer], { identities: [me.identity] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
  })

  it('names an unknown format version ERR_UNSUPPORTED_FORMAT', async () => {
    const me = await generateKeyPair()
    const ciphertext = await collect(encrypt([bytesOf(10)], { recipients: [me.recipient] }))
    const v2 = new TextEncoder().encode('age-encryption.org/v2\n')
    const other = new Uint8Array(ciphertext.length)
    other.set(ciphertext)
    other.set(v2)
    await expect(collect(decrypt([other], { identities: [me.identity] }))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' })
    await expect(collect(decrypt([new TextEncoder().encode('hello world\n')], { identities: [me.identity] }))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' })
    expect(() => parseHeader(other)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_FORMAT' }))
  })

  it('refuses bad options with ERR_INVALID_INPUT', async () => {
    await expect(collect(encrypt([bytesOf(1)], {}))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(collect(encrypt([bytesOf(1)], { recipients: ['age1nope'] }))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(recipientOf('AGE-SECRET-KEY-1XYZ')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
  })

  it('reads ranges by opening only the chunks that hold them', async () => {
    const me = await generateKeyPair()
    const plain = bytesOf(5 * STREAM_CHUNK + 123)
    const ciphertext = await collect(encrypt([plain], { recipients: [me.recipient] }))
    const reads: Array<[number, number]> = []
    const read = async (offset: number, length: number): Promise<Uint8Array> => { reads.push([offset, length]); return ciphertext.slice(offset, offset + length) }
    const cases: Array<[number, number | undefined]> = [[0, 0], [0, 1], [STREAM_CHUNK - 1, 2], [2 * STREAM_CHUNK + 5, 1000], [5 * STREAM_CHUNK, undefined], [plain.length, undefined], [100, 4 * STREAM_CHUNK]]
    for (const [offset, length] of cases) {
      reads.length = 0
      const got = await collect(decryptRange(read, { size: ciphertext.length, offset, length, identities: [me.identity] }))
      expect(got).toEqual(plain.subarray(offset, length === undefined ? undefined : offset + length))
      const payloadReads = reads.filter(([, n]) => n > 16 && n !== 1024)
      expect(payloadReads.length).toBeLessThanOrEqual(Math.ceil((length ?? plain.length - offset) / STREAM_CHUNK) + 1)
    }
    await expect(collect(decryptRange(read, { size: ciphertext.length, offset: plain.length + 1, identities: [me.identity] }))).rejects.toMatchObject({ code: 'ERR_INVALID_RANGE' })
    const tampered = ciphertext.slice()
    const at = parseHeader(ciphertext).size + 16 + 4 * (STREAM_CHUNK + 16) + 10
    tampered[at] = (tampered[at] ?? 0) ^ 1
    await expect(collect(decryptRange(reader(tampered), { size: tampered.length, offset: 4 * STREAM_CHUNK, length: 10, identities: [me.identity] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    await expect(collect(decryptRange(reader(ciphertext), { size: ciphertext.length - 16, offset: 0, length: 10, identities: [me.identity] }))).resolves.toBeDefined()
    await expect(collect(decryptRange(reader(ciphertext), { size: ciphertext.length - 16, offset: 5 * STREAM_CHUNK, identities: [me.identity] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
  })

  it('shares by a new header of the same size: the second user decrypts, the third does not, the payload is untouched', async () => {
    const owner = await generateKeyPair()
    const friend = await generateKeyPair()
    const stranger = await generateKeyPair()
    const plain = bytesOf(200_000)
    const ciphertext = await collect(encrypt([plain], { recipients: [owner.recipient] }))
    const headerSize = parseHeader(ciphertext).size
    await expect(rewrapHeader(ciphertext, { identities: [friend.identity] }, [friend.recipient])).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    const header = await rewrapHeader(ciphertext, { identities: [owner.identity] }, [friend.recipient])
    expect(header.length).toBe(headerSize)
    const shared = ciphertext.slice()
    shared.set(header)
    expect(shared.subarray(headerSize)).toEqual(ciphertext.subarray(headerSize))
    expect(await collect(decrypt([shared], { identities: [friend.identity] }))).toEqual(plain)
    await expect(collect(decrypt([shared], { identities: [owner.identity] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
    await expect(collect(decrypt([shared], { identities: [stranger.identity] }))).rejects.toMatchObject({ code: 'ERR_DECRYPT' })
  })

  it('shares to several recipients at once when they fit, and refuses a passphrase file', async () => {
    const owners = await Promise.all(Array.from({ length: 9 }, async () => await generateKeyPair()))
    const ciphertext = await collect(encrypt([bytesOf(10)], { recipients: owners.map(o => o.recipient) }))
    expect(parseHeader(ciphertext).size).toBe(1024)
    const header = await rewrapHeader(ciphertext, { identities: [owners[0]?.identity ?? ''] }, owners.map(o => o.recipient))
    expect(header.length).toBe(1024)
    const ten = await collect(encrypt([bytesOf(10)], { recipients: [...owners, owners[0]].map(o => o?.recipient ?? '') }))
    expect(parseHeader(ten).size).toBe(2048)
    const secret = await collect(encrypt([bytesOf(10)], { passphrase: 'pw', scryptWorkFactor: 10 }))
    await expect(rewrapHeader(secret, { passphrases: ['pw'] }, [owners[0]?.recipient ?? ''])).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
  })
})
