/**
 * 1 GiB through `encrypt` and `decrypt` (Node's native cipher, as the CLI's `add --encrypt` and `cat --decrypt` use
 * them) in bounded memory: the plaintext is generated chunk by chunk, never held, and its SHA-256 is compared with
 * the decrypted stream's. The process's RSS may grow by far less than the file while it runs.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decrypt, encrypt, generateKeyPair } from '../../core/crypto/index.ts'
import { nativeCipher } from '../../node-relay/crypto/native-cipher.ts'

const GIB = 1024 * 1024 * 1024
const CHUNK = 1024 * 1024

/** 1 GiB in 1 MiB chunks, each different (its index in the first bytes), hashed as it is produced. */
async function * plaintext (hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  const pattern = new Uint8Array(CHUNK).map((_, i) => (i * 131 + 7) & 0xff)
  for (let i = 0; i < GIB / CHUNK; i++) {
    const chunk = new Uint8Array(pattern)
    new DataView(chunk.buffer).setUint32(0, i)
    hash.update(chunk)
    yield chunk
  }
}

describe('1 GiB age round trip in Node', () => {
  it('encrypts and decrypts 1 GiB streaming, the same bytes back, in bounded memory', async () => {
    const me = await generateKeyPair()
    const sent = createHash('sha256')
    const received = createHash('sha256')
    const baseline = process.memoryUsage().rss
    let peak = baseline
    let bytes = 0
    const sealed = encrypt(plaintext(sent), { recipients: [me.recipient], cipher: nativeCipher })
    for await (const chunk of decrypt(sealed, { identities: [me.identity], cipher: nativeCipher })) {
      received.update(chunk)
      bytes += chunk.byteLength
      if ((bytes & (64 * CHUNK - 1)) === 0) peak = Math.max(peak, process.memoryUsage().rss)
    }
    expect(bytes).toBe(GIB)
    expect(received.digest('hex')).toBe(sent.digest('hex'))
    // a buffered round trip would hold the 1 GiB file (twice); streaming holds a few chunks and the GC's slack
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024)
  }, 300_000)
})
