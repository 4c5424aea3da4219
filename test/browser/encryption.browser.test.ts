/**
 * End-to-end encryption in real Chromium (issue 21): the keyring keeps this browser's X25519 key non-extractable in
 * IndexedDB (the same key after reopening, as after a reload), its backup exports and imports; files of 0 B, 1 B and
 * 1 MiB round-trip through encrypt + add and cat + decrypt with the `@noble/ciphers` payload cipher and the
 * WebCrypto key; share links carry the file key and open the file with nothing else; a wrong key and a flipped byte
 * are `ERR_DECRYPT`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { decrypt, encrypt, generateKeyPair, recipientOf } from '../../core/crypto/index.ts'
import { BrowserKeyring } from '../../app/crypto/keyring.ts'
import { addEncrypted, catDecrypted, parseShareLink, readAll, shareKeys, shareLink } from '../../app/crypto/encrypted-content.ts'

const names: string[] = []
const open: BrowserKeyring[] = []

async function keyring (name = `ipfs-kit-test-${crypto.randomUUID()}`): Promise<BrowserKeyring> {
  names.push(name)
  const keys = await BrowserKeyring.open(name)
  open.push(keys)
  return keys
}

afterEach(async () => {
  for (const keys of open.splice(0)) keys.close()
  await Promise.all(names.splice(0).map(async name => new Promise<void>(resolve => {
    const request = indexedDB.deleteDatabase(`${name}-keys`)
    request.onsuccess = () => { resolve() }
    request.onerror = () => { resolve() }
  })))
})

function randomBytes (size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size)
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65536)))
  return out
}

async function codeOf (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof DOMException) return err.name
    return err instanceof Error && 'code' in err ? String(err.code) : String(err)
  }
  return 'no error'
}

describe('browser keyring', () => {
  it('keeps a non-extractable X25519 key in IndexedDB: the same keypair after reopening', async () => {
    const name = `ipfs-kit-test-${crypto.randomUUID()}`
    const first = await keyring(name)
    expect(first.recipient).toMatch(/^age1[0-9a-z]{58}$/)
    const [key] = first.identities()
    expect(key?.extractable).toBe(false)
    expect(key?.algorithm.name).toBe('X25519')
    expect(await codeOf(crypto.subtle.exportKey('jwk', key as CryptoKey))).toBe('InvalidAccessError')
    first.close()
    const again = await keyring(name)
    expect(again.recipient).toBe(first.recipient)
    const ciphertext = await readAll(encrypt([new TextEncoder().encode('persisted')], { recipients: [first.recipient] }))
    expect(new TextDecoder().decode(await readAll(decrypt([ciphertext], { identities: again.identities() })))).toBe('persisted')
  })

  it('exports its identity for a backup and imports one (another browser then reads what was encrypted to it)', async () => {
    const keys = await keyring()
    const exported = await keys.exportIdentity()
    expect(exported).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/)
    expect(await recipientOf(exported)).toBe(keys.recipient)
    const ciphertext = await readAll(encrypt([new TextEncoder().encode('backed up')], { recipients: [keys.recipient] }))
    const other = await keyring()
    expect(await codeOf(readAll(decrypt([ciphertext], { identities: other.identities() })))).toBe('ERR_DECRYPT')
    expect(await other.importIdentity(exported.toLowerCase())).toBe(keys.recipient)
    expect(new TextDecoder().decode(await readAll(decrypt([ciphertext], { identities: other.identities() })))).toBe('backed up')
    expect(await codeOf(other.importIdentity('AGE-SECRET-KEY-1NOPE'))).toBe('ERR_INVALID_INPUT')
  })
})

describe('encrypted content in the browser', () => {
  for (const size of [0, 1, 1024 * 1024]) {
    it(`round-trips ${size} bytes through encrypt + add and cat + decrypt with the local key`, async () => {
      const keys = await keyring()
      const store = createContentStore({ blockstore: new MemoryBlockstore() })
      const plain = randomBytes(size)
      const { cid } = await addEncrypted(store, new Blob([plain]), [keys.recipient])
      const stored = await readAll(store.cat(cid.toString()))
      expect(stored.length).toBeGreaterThan(size)
      expect(new TextDecoder().decode(stored.subarray(0, 22))).toBe('age-encryption.org/v1\n')
      const back = await readAll(catDecrypted(store, cid.toString(), { identities: keys.identities() }))
      expect(back).toEqual(plain)
    })
  }

  it('passes plain content through catDecrypted unchanged', async () => {
    const keys = await keyring()
    const store = createContentStore({ blockstore: new MemoryBlockstore() })
    const { cid } = await store.add(new TextEncoder().encode('not secret'))
    expect(new TextDecoder().decode(await readAll(catDecrypted(store, cid.toString(), { identities: keys.identities() })))).toBe('not secret')
  })

  it('makes a share link whose fragment alone opens the file; a wrong key or a flipped byte is ERR_DECRYPT', async () => {
    const keys = await keyring()
    const store = createContentStore({ blockstore: new MemoryBlockstore() })
    const plain = randomBytes(200_000)
    const { cid } = await addEncrypted(store, plain, [keys.recipient])
    const url = await shareLink(store, cid.toString(), { identities: keys.identities() }, 'https://relay.example/#files', 'a b.bin')
    const parsed = new URL(url)
    expect(parsed.pathname + parsed.search).toBe('/')
    const link = parseShareLink(parsed.hash)
    expect(link?.cid).toBe(cid.toString())
    expect(link?.name).toBe('a b.bin')
    if (link === undefined) throw new Error('not a share link')
    expect(await readAll(catDecrypted(store, cid.toString(), shareKeys(link)))).toEqual(plain)

    const stranger = await generateKeyPair()
    expect(await codeOf(readAll(catDecrypted(store, cid.toString(), { identities: [stranger.identity] })))).toBe('ERR_DECRYPT')
    const wrongKey = { ...link, fileKey: link.fileKey.map(b => b ^ 1) }
    expect(await codeOf(readAll(catDecrypted(store, cid.toString(), shareKeys(wrongKey))))).toBe('ERR_DECRYPT')
    const tampered = await readAll(store.cat(cid.toString()))
    tampered.set([(tampered.at(-100) ?? 0) ^ 1], tampered.length - 100)
    const { cid: tamperedCid } = await store.add(tampered)
    expect(await codeOf(readAll(catDecrypted(store, tamperedCid.toString(), shareKeys(link))))).toBe('ERR_DECRYPT')
  })
})
