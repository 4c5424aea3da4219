import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Decrypter, Encrypter } from 'age-encryption'
import { afterAll, describe, expect, it } from 'vitest'
import { decrypt, decryptRange, encrypt, generateKeyPair, rewrapHeader, STREAM_CHUNK } from '../../core/crypto/index.ts'

/** The reference implementation's CLI (Debian's `age`, Go), when installed: `apt-get install age`. */
function ageCli (): string | undefined {
  try {
    execFileSync('age', ['--version'])
    return 'age'
  } catch {
    return undefined
  }
}
const AGE = ageCli()

function bytesOf (size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 9)) & 0xff
  return out
}

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

const dir = mkdtempSync(join(tmpdir(), 'ipfs-kit-age-'))
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

describe('age interop: our files are age v1 files', () => {
  it('the age-encryption library opens what we write (recipients, padding, shares) and we open what it writes', async () => {
    const me = await generateKeyPair()
    const friend = await generateKeyPair()
    const plain = bytesOf(3 * STREAM_CHUNK + 17)
    const ours = await collect(encrypt([plain], { recipients: [me.recipient] }))
    const library = new Decrypter()
    library.addIdentity(me.identity)
    expect(await library.decrypt(ours)).toEqual(plain)

    const shared = ours.slice()
    shared.set(await rewrapHeader(ours, { identities: [me.identity] }, [friend.recipient]))
    const friendLibrary = new Decrypter()
    friendLibrary.addIdentity(friend.identity)
    expect(await friendLibrary.decrypt(shared)).toEqual(plain)

    const encrypter = new Encrypter()
    encrypter.addRecipient(me.recipient)
    const theirs = await encrypter.encrypt(plain)
    expect(await collect(decrypt([theirs], { identities: [me.identity] }))).toEqual(plain)
    const read = async (offset: number, length: number): Promise<Uint8Array> => theirs.slice(offset, offset + length)
    expect(await collect(decryptRange(read, { size: theirs.length, offset: STREAM_CHUNK + 3, length: 100, identities: [me.identity] }))).toEqual(plain.subarray(STREAM_CHUNK + 3, STREAM_CHUNK + 103))
  })

  it.skipIf(AGE === undefined)('the age CLI (Go reference) decrypts our files and shares, and we decrypt its files', async () => {
    const me = await generateKeyPair()
    const friend = await generateKeyPair()
    const plain = bytesOf(2 * STREAM_CHUNK + 5)
    writeFileSync(join(dir, 'me.key'), me.identity + '\n')
    writeFileSync(join(dir, 'friend.key'), friend.identity + '\n')
    const ours = await collect(encrypt([plain], { recipients: [me.recipient, friend.recipient] }))
    writeFileSync(join(dir, 'ours.age'), ours)
    expect(new Uint8Array(execFileSync('age', ['-d', '-i', join(dir, 'me.key'), join(dir, 'ours.age')]))).toEqual(plain)

    const shared = ours.slice()
    shared.set(await rewrapHeader(ours, { identities: [me.identity] }, [friend.recipient]))
    writeFileSync(join(dir, 'shared.age'), shared)
    expect(new Uint8Array(execFileSync('age', ['-d', '-i', join(dir, 'friend.key'), join(dir, 'shared.age')]))).toEqual(plain)
    expect(() => execFileSync('age', ['-d', '-i', join(dir, 'me.key'), join(dir, 'shared.age')], { stdio: 'pipe' })).toThrow()

    writeFileSync(join(dir, 'plain.bin'), plain)
    execFileSync('age', ['-r', me.recipient, '-o', join(dir, 'theirs.age'), join(dir, 'plain.bin')])
    const theirs = readFileSync(join(dir, 'theirs.age'))
    expect(await collect(decrypt([theirs], { identities: [me.identity] }))).toEqual(plain)
  })
})
