/**
 * `encryptAtRest` against s3rver: the bucket holds no plaintext (no marker text, no plaintext CID); reads round-trip
 * with every block verified; a flipped byte in the stored object is ERR_BLOCK_CORRUPT and another copy serves the
 * read; the relay's at-rest key is created once, 0600, and appears in no answer; the config flag wraps the backend
 * on a real relay, whose reference index records the key id; the reference `age` CLI opens a stored copy with the
 * key file, as docs/PRIVACY.md says an operator can by hand.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { CarBlockIterator } from '@ipld/car'
import { FsDatastore } from 'datastore-fs'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore, verifyBlock } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { ReferenceIndex, StorageManager, createLocalBackend } from '../../core/storage/index.ts'
import { loadConfig } from '../../node-relay/config/load.ts'
import { startRelay } from '../../node-relay/relay.ts'
import { storageSchema } from '../../node-relay/storage/config.ts'
import { AT_REST_KEY_FILE, encryptAtRest, loadAtRestKey } from '../../node-relay/storage/at-rest.ts'
import { createS3Backend, objectKey } from '../../node-relay/storage/s3/index.ts'
import { addBytes } from '../relay/support.ts'
import { corruptObject, S3RVER_CREDENTIALS, startS3Server } from './s3-support.ts'
import type { StorageReference } from '../../core/storage/index.ts'
import type { Relay } from '../../node-relay/relay.ts'
import type { S3Server } from './s3-support.ts'

/** Debian's `age` (the reference CLI), which npm test installs when missing. */
function hasAgeCli (): boolean {
  try {
    execFileSync('age', ['--version'])
    return true
  } catch {
    return false
  }
}

const MARKER = 'THE-PLAINTEXT-MARKER-0123456789 '

/** A text file of `length` bytes made of the marker, so any plaintext leaf holds it many times. */
function markerText (length: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(MARKER.repeat(Math.ceil(length / MARKER.length)).slice(0, length))
}

/** Every object under `prefix` in the bucket: keys, metadata and bytes. */
async function bucketDump (server: S3Server, prefix: string): Promise<{ keys: string[], text: string, bytes: Buffer }> {
  const listed = await server.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }))
  const keys = (listed.Contents ?? []).map(o => o.Key ?? '')
  const parts: Buffer[] = []
  const meta: string[] = []
  for (const key of keys) {
    const object = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }))
    meta.push(JSON.stringify(object.Metadata ?? {}))
    parts.push(Buffer.from(await object.Body?.transformToByteArray() ?? new Uint8Array()))
  }
  const bytes = Buffer.concat(parts)
  return { keys, text: keys.join('\n') + meta.join('\n'), bytes }
}

describe('encryptAtRest over S3 (s3rver)', () => {
  let server: S3Server
  let dir: string

  beforeAll(async () => {
    server = await startS3Server('at-rest')
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-at-rest-'))
  })
  afterAll(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('creates the key once with mode 0600; two first uses agree; a broken key file is an error that does not quote it', async () => {
    const keyDir = join(dir, 'keys')
    const [a, b] = await Promise.all([loadAtRestKey(keyDir), loadAtRestKey(keyDir)])
    expect(a).toEqual(b)
    expect(a.recipient).toMatch(/^age1/)
    expect((await stat(join(keyDir, AT_REST_KEY_FILE))).mode & 0o777).toBe(0o600)
    expect(await loadAtRestKey(keyDir)).toEqual(a)
    const broken = join(dir, 'broken')
    await loadAtRestKey(broken)
    await writeFile(join(broken, AT_REST_KEY_FILE), 'not-a-key-but-secret-looking-text\n')
    const error = await loadAtRestKey(broken).then(() => undefined, (err: unknown) => err)
    expect(error).toMatchObject({ code: 'ERR_INVALID_INPUT' })
    expect((error as Error).message).not.toContain('secret-looking')
  })

  it('the bucket holds only ciphertext; a read round-trips verified; a flipped byte is ERR_BLOCK_CORRUPT and another copy serves', async () => {
    const datastore = new FsDatastore(join(dir, 'ds-manager'))
    await datastore.open()
    const blockstore = new MemoryBlockstore()
    const plaintext = markerText(700_000)
    const { cid } = await createContentStore({ blockstore }).add(plaintext, { chunker: { type: 'fixed', size: 64 * 1024 } })
    const vaultInner = createS3Backend({
      name: 'vault', bucket: server.bucket, prefix: 'vault', endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, cost: { latencyMs: 1 }
    })
    const vault = await encryptAtRest(vaultInner, { dataDir: join(dir, 'relay-a'), datastore })
    const plain = createS3Backend({
      name: 'plain', bucket: server.bucket, prefix: 'plain', endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, cost: { latencyMs: 500 }
    })
    const local = createLocalBackend({ name: 'local', blockstore })
    const manager = new StorageManager({ local, localBlocks: blockstore, backends: [vault, plain], index: new ReferenceIndex({ datastore }) })
    const report = await manager.put(cid, { to: ['vault', 'plain'] })
    expect(report.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['vault', true], ['plain', true]])

    const key = await loadAtRestKey(join(dir, 'relay-a'))
    const refs = await manager.references(cid)
    const ref = refs.find(r => r.backend === 'vault')
    expect(ref?.encryption?.keyId).toBe(key.recipient)
    expect(refs.find(r => r.backend === 'plain')?.encryption).toBeUndefined()
    expect(JSON.stringify(refs)).not.toContain(key.identity)

    // what the service holds: no marker, no plaintext CID, no plaintext block; the plain copy shows the test sees them
    const sealed = await bucketDump(server, 'vault/')
    expect(sealed.keys).toHaveLength(1)
    expect(sealed.bytes.includes(Buffer.from(MARKER))).toBe(false)
    expect(sealed.bytes.includes(Buffer.from(cid.multihash.bytes))).toBe(false)
    expect(sealed.text).not.toContain(cid.toString())
    expect(sealed.text).not.toContain(cid.toV1().toString())
    const open = await bucketDump(server, 'plain/')
    expect(open.bytes.includes(Buffer.from(MARKER))).toBe(true)
    expect(sealed.bytes.length).toBeGreaterThan(open.bytes.length) // the CAR, its age overhead and the leaves' CIDs

    // a read from the encrypted copy alone: every block verified, the file's bytes back
    const read: Uint8Array[] = []
    for await (const block of manager.get(cid, { from: 'vault' })) {
      await verifyBlock(block.cid, block.bytes)
      read.push(block.bytes)
    }
    expect(Buffer.concat(read).includes(Buffer.from(plaintext.subarray(0, 4096)))).toBe(true)

    // the reference age CLI opens the stored file with the key file, giving the DAG's CAR (docs: opening a copy by hand)
    if (hasAgeCli()) {
      const leaves: Uint8Array[] = []
      for await (const block of vaultInner.get(CID.parse(ref?.encryption?.ciphertext ?? ''))) if (block.cid.code === 0x55) leaves.push(block.bytes)
      await writeFile(join(dir, 'copy.age'), Buffer.concat(leaves))
      const car = execFileSync('age', ['-d', '-i', join(dir, 'relay-a', AT_REST_KEY_FILE), join(dir, 'copy.age')])
      const opened = await CarBlockIterator.fromBytes(new Uint8Array(car))
      expect((await opened.getRoots()).map(String)).toEqual([cid.toString()])
    }

    // flip one byte of the stored age file: that copy fails, is marked corrupt, and the plain copy serves the read
    await corruptObject(server, objectKey('vault', CID.parse(ref?.encryption?.ciphertext ?? '')))
    const alone = (async () => { for await (const _ of manager.get(cid, { from: 'vault' })) { /* drain */ } })()
    await expect(alone).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
    await local.delete(cid)
    const served: string[] = []
    let bytes = 0
    for await (const block of manager.get(cid, { onServed: name => served.push(name) })) bytes += block.bytes.byteLength
    expect(served).toEqual(['plain'])
    expect(bytes).toBe(read.reduce((n, b) => n + b.byteLength, 0)) // the same blocks as the encrypted copy gave
    expect((await manager.references(cid)).find(r => r.backend === 'vault')?.state).toBe('corrupt')

    // another relay (another key) cannot open the copy: a typed error, never bytes
    const other = await encryptAtRest(vaultInner, { dataDir: join(dir, 'relay-b'), datastore })
    const foreign = (async () => { for await (const _ of other.get(cid)) { /* drain */ } })()
    await expect(foreign).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
    await datastore.close()
  })

  it('two puts of the same content at once upload one ciphertext; a later put is a no-op', async () => {
    const datastore = new FsDatastore(join(dir, 'ds-twice'))
    await datastore.open()
    const blockstore = new MemoryBlockstore()
    const { cid } = await createContentStore({ blockstore }).add(markerText(200_000), { chunker: { type: 'fixed', size: 64 * 1024 } })
    const inner = createS3Backend({ name: 'twice', bucket: server.bucket, prefix: 'twice', endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    const backend = await encryptAtRest(inner, { dataDir: join(dir, 'relay-a'), datastore })
    const [a, b] = await Promise.all([backend.put(cid, blockstore), backend.put(cid, blockstore)])
    const again = await backend.put(cid, blockstore)
    expect(a.encryption?.ciphertext).toBeDefined()
    expect(b.encryption?.ciphertext).toBe(a.encryption?.ciphertext)
    expect(again.encryption?.ciphertext).toBe(a.encryption?.ciphertext)
    expect((await bucketDump(server, 'twice/')).keys).toHaveLength(1)
    await datastore.close()
  })

  it('the config flag validates as a boolean on remote backends only', () => {
    const s3 = { kind: 's3', name: 's3', bucket: 'bucket-name' }
    expect(storageSchema.parse({ backends: [{ ...s3, encryptAtRest: true }] }).backends[0]).toMatchObject({ encryptAtRest: true })
    expect(storageSchema.parse({ backends: [s3] }).backends[0]).toMatchObject({ encryptAtRest: false })
    expect(storageSchema.safeParse({ backends: [{ ...s3, encryptAtRest: 'yes' }] }).success).toBe(false)
    expect(storageSchema.safeParse({ backends: [{ kind: 'local', name: 'local', encryptAtRest: true }] }).success).toBe(false)
  })

  describe('on a real relay', () => {
    const KEY_ENV = 'IPFS_KIT_TEST_AT_REST_KEY'
    const SECRET_ENV = 'IPFS_KIT_TEST_AT_REST_SECRET'
    let relay: Relay
    let relayDir: string

    beforeAll(async () => {
      process.env[KEY_ENV] = 'S3RVER'
      process.env[SECRET_ENV] = 'S3RVER'
      relayDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-at-rest-relay-'))
      relay = await startRelay(await loadConfig({
        flags: {
          dataDir: relayDir,
          'http.port': 0,
          'libp2p.listen': ['/ip4/127.0.0.1/tcp/0'],
          logLevel: 'silent',
          'network.offline': true,
          'storage.backends': [
            { kind: 'local', name: 'local' },
            { kind: 's3', name: 's3', bucket: server.bucket, endpoint: server.endpoint, forcePathStyle: true, prefix: 'relay', accessKeyIdEnv: KEY_ENV, secretAccessKeyEnv: SECRET_ENV, encryptAtRest: true }
          ]
        }
      }))
    })
    afterAll(async () => {
      await relay.stop()
      await rm(relayDir, { recursive: true, force: true })
    })

    it('places an encrypted copy, records its key id, reads it back verified, and never shows the key', async () => {
      const { cid } = await addBytes(relay.url, markerText(300_000))
      const put = await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['s3'] }) })
      expect(put.status).toBe(200)
      const key = await readFile(join(relayDir, AT_REST_KEY_FILE), 'utf8')
      const identity = key.split('\n').find(l => l.startsWith('AGE-SECRET-KEY-1')) ?? ''
      expect(identity).not.toBe('')
      expect((await stat(join(relayDir, AT_REST_KEY_FILE))).mode & 0o777).toBe(0o600)

      const refsText = await (await fetch(`${relay.url}/api/v1/storage/${cid}/references`)).text()
      const refs = JSON.parse(refsText) as { references: StorageReference[] }
      expect(refs.references.find(r => r.backend === 's3')?.encryption?.keyId).toBe((await loadAtRestKey(relayDir)).recipient)
      const car = await fetch(`${relay.url}/api/v1/storage/${cid}?from=s3`)
      expect(car.status).toBe(200)
      const reader = await CarBlockIterator.fromBytes(new Uint8Array(await car.arrayBuffer()))
      expect((await reader.getRoots()).map(String)).toEqual([cid])
      for await (const block of reader) await verifyBlock(block.cid, block.bytes)

      const sealed = await bucketDump(server, 'relay/')
      expect(sealed.bytes.includes(Buffer.from(MARKER))).toBe(false)
      const answers = [refsText, await (await fetch(`${relay.url}/health`)).text(), await (await fetch(`${relay.url}/api/v1/backends`)).text()]
      for (const answer of answers) expect(answer).not.toContain(identity)
    })
  })
})
