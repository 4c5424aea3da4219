import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

interface Run { code: number | null, stdout: Buffer, stderr: string }

async function cli (api: string, configDir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, '--api', api, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IPFS_KIT_CONFIG_DIR: configDir, ...env }
  })
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { out.push(chunk) })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout: Buffer.concat(out), stderr }
}

/** Every file under `dir`, recursively. */
async function filesUnder (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter(entry => entry.isFile()).map(entry => join(entry.parentPath, entry.name))
}

/** The search document of `cid`, once the relay's indexer (fed by events) has indexed it under `name`. */
async function waitForHit (url: string, name: string, cid: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await fetch(`${url}/api/v1/search?q=${encodeURIComponent(name)}`)
    const body = await res.json() as { hits: Array<{ cid: string, document: Record<string, unknown> }> }
    const hit = body.hits.find(h => h.cid === cid)
    if (hit !== undefined) return hit.document
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  throw new Error(`${cid} was never indexed under ${name}`)
}

const SECRET = 'zanzibar quokka ledger '
/** A text file whose words would be indexed, 3 MiB: several UnixFS leaves and many STREAM chunks. */
const PLAIN = Buffer.from(SECRET.repeat(Math.ceil(3 * 1024 * 1024 / SECRET.length)))

describe('ipfs-kit add --encrypt, cat/get --decrypt, key, share', () => {
  let relay: TestRelay
  let work: string
  const alice = (): string => join(work, 'alice')
  const bob = (): string => join(work, 'bob')
  const carol = (): string => join(work, 'carol')

  beforeAll(async () => {
    relay = await startTestRelay()
    work = await mkdtemp(join(tmpdir(), 'ipfs-kit-enc-'))
    await writeFile(join(work, 'ledger.txt'), PLAIN)
  })
  afterAll(async () => {
    await relay?.destroy()
    await rm(work, { recursive: true, force: true })
  })

  it('encrypts on add, decrypts on cat and get; the relay, its gateway and its search hold only ciphertext; share re-uploads no payload', async () => {
    for (const user of [alice(), bob(), carol()]) expect((await cli(relay.url, user, ['identity', 'gen'])).code).toBe(0)
    const aliceKey = (await readFile(join(alice(), 'identity.age-key'), 'utf8'))
    expect((await stat(join(alice(), 'identity.age-key'))).mode & 0o777).toBe(0o600)
    const bobPub = (await cli(relay.url, bob(), ['identity', 'show'])).stdout.toString().trim()
    expect(bobPub).toMatch(/^age1/)

    const added = await cli(relay.url, alice(), ['add', '-Q', '--encrypt', '--name', 'quarterly-ledger', join(work, 'ledger.txt')])
    expect(added.code, added.stderr).toBe(0)
    const cid = added.stdout.toString().trim()

    const cat = await cli(relay.url, alice(), ['cat', '--decrypt', cid])
    expect(cat.code, cat.stderr).toBe(0)
    expect(cat.stdout.equals(PLAIN)).toBe(true)
    const range = await cli(relay.url, alice(), ['cat', '--decrypt', '--offset', String(2 * 1024 * 1024 + 5), '--length', '100', cid])
    expect(range.stdout.equals(PLAIN.subarray(2 * 1024 * 1024 + 5, 2 * 1024 * 1024 + 105))).toBe(true)
    const got = await cli(relay.url, alice(), ['get', '--decrypt', '-o', join(work, 'back.txt'), cid])
    expect(got.code, got.stderr).toBe(0)
    expect((await readFile(join(work, 'back.txt'))).equals(PLAIN)).toBe(true)

    // the relay serves ciphertext: the gateway and a plain cat return an age file, not the text
    const gateway = Buffer.from(await (await fetch(`${relay.url}/ipfs/${cid}`)).arrayBuffer())
    expect(gateway.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n')
    expect(gateway.includes(SECRET)).toBe(false)
    expect((await cli(relay.url, bob(), ['cat', '--decrypt', cid])).code).not.toBe(0)

    // share: bob can read the new CID, carol cannot; the payload blocks are the same blocks
    const before = (await filesUnder(relay.dataDir)).length
    const shared = await cli(relay.url, alice(), ['share', cid, '--to', bobPub])
    expect(shared.code, shared.stderr).toBe(0)
    const sharedCid = shared.stdout.toString().trim()
    expect(sharedCid).not.toBe(cid)
    const newFiles = (await filesUnder(relay.dataDir)).length - before
    expect(newFiles).toBeLessThan(10) // one leaf, the root, a pin record: not the 4 payload leaves
    const bobCat = await cli(relay.url, bob(), ['cat', '--decrypt', sharedCid])
    expect(bobCat.code, bobCat.stderr).toBe(0)
    expect(bobCat.stdout.equals(PLAIN)).toBe(true)
    const carolCat = await cli(relay.url, carol(), ['cat', '--decrypt', '--json', sharedCid])
    expect(carolCat.code).not.toBe(0)
    expect(carolCat.stdout.toString()).toContain('ERR_DECRYPT')

    // search: the encrypted file is known by CID but none of its words are indexed
    const byName = await waitForHit(relay.url, 'quarterly-ledger', cid)
    expect(byName).toMatchObject({ textStatus: 'skipped', mime: 'application/x-age-encryption' })
    const search = await fetch(`${relay.url}/api/v1/search?q=${encodeURIComponent('zanzibar quokka')}`)
    const hits = await search.text()
    expect(search.ok, hits).toBe(true)
    expect(hits).not.toContain(cid)
    expect(hits).not.toContain('zanzibar')

    // nothing on the relay's disk (blocks, datastore, search snapshots, logs) holds the plaintext or Alice's secret key
    const secretKey = aliceKey.split('\n').find(line => line.startsWith('AGE-SECRET-KEY-')) ?? 'missing'
    for (const file of await filesUnder(relay.dataDir)) {
      const bytes = await readFile(file)
      expect(bytes.includes(SECRET), file).toBe(false)
      expect(bytes.includes(secretKey), file).toBe(false)
    }
  })

  it('passphrase round trip, and usage mistakes as typed errors', async () => {
    const env = { IPFS_KIT_PASSPHRASE: 'a long passphrase for the test' }
    const added = await cli(relay.url, carol(), ['add', '-Q', '--encrypt', '--passphrase', join(work, 'ledger.txt')], env)
    expect(added.code, added.stderr).toBe(0)
    const cid = added.stdout.toString().trim()
    const cat = await cli(relay.url, carol(), ['cat', '--decrypt', '--passphrase', '--offset', '0', '--length', '23', cid], env)
    expect(cat.stdout.toString()).toBe(SECRET)
    const wrong = await cli(relay.url, carol(), ['cat', '--decrypt', '--passphrase', '--json', cid], { IPFS_KIT_PASSPHRASE: 'nope' })
    expect(wrong.stdout.toString()).toContain('ERR_DECRYPT')
    const noKey = await cli(relay.url, join(work, 'nobody'), ['add', '--json', '--encrypt', join(work, 'ledger.txt')])
    expect(noKey.stdout.toString()).toContain('ERR_NOT_FOUND')
    const badTo = await cli(relay.url, alice(), ['add', '--json', '--encrypt', '--to', 'age1nope', join(work, 'ledger.txt')])
    expect(badTo.stdout.toString()).toContain('ERR_INVALID_INPUT')
    const notAge = await cli(relay.url, alice(), ['add', '-Q', join(work, 'ledger.txt')])
    const plainCat = await cli(relay.url, alice(), ['cat', '--decrypt', '--json', notAge.stdout.toString().trim()])
    expect(plainCat.stdout.toString()).toContain('ERR_UNSUPPORTED_FORMAT')
  })
})
