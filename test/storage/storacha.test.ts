import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Ed25519 from '@storacha/client/principal/ed25519'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { dagToCar, readVerifiedDag } from '../../core/storage/index.ts'
import { createStorachaBackend, storachaBackendSchema, storachaInitFromConfig } from '../../node-relay/storage/storacha/index.ts'
import { startStorachaGateway } from './support/storacha-gateway.ts'
import { startStorachaService } from './support/storacha-service.ts'
import { createSpace } from './support/storacha-space.ts'
import type { StorachaBackend, StorachaBackendInit } from '../../node-relay/storage/storacha/index.ts'
import type { VerifiedBlock } from '../../core/storage/index.ts'
import type { StorachaGateway } from './support/storacha-gateway.ts'
import type { StorachaService } from './support/storacha-service.ts'
import type { SpaceSecrets } from './support/storacha-space.ts'

let service: StorachaService
let gateway: StorachaGateway
let seed = Math.floor(Math.random() * 1_000_000)

beforeAll(async () => {
  service = await startStorachaService()
  gateway = await startStorachaGateway(service)
})

afterAll(async () => {
  await gateway.stop()
  await service.stop()
})

async function rawBlock (): Promise<{ root: CID, source: MemoryBlockstore }> {
  const bytes = new TextEncoder().encode(`storacha block ${++seed}`)
  const root = CID.createV1(raw.code, await sha256.digest(bytes))
  const source = new MemoryBlockstore()
  await source.put(root, bytes)
  return { root, source }
}

async function tree (): Promise<{ root: CID, source: MemoryBlockstore }> {
  const source = new MemoryBlockstore()
  let root: CID | undefined
  const entries = [{ path: 'a.txt', content: new TextEncoder().encode(`a ${++seed}`) }, { path: 'dir/b.txt', content: new Uint8Array(40_000).fill(seed & 0xff) }]
  for await (const entry of createContentStore({ blockstore: source }).addAll(entries)) root = entry.cid
  if (root === undefined) throw new Error('no root')
  return { root, source }
}

async function drain (blocks: AsyncIterable<VerifiedBlock>): Promise<VerifiedBlock[]> {
  const out: VerifiedBlock[] = []
  for await (const block of blocks) out.push(block)
  return out
}

function backendFor (secrets: SpaceSecrets, overrides: Partial<StorachaBackendInit> = {}): StorachaBackend {
  return createStorachaBackend({
    name: 'storacha', agentKey: secrets.agentKey, proof: secrets.proof, serviceUrl: service.url, serviceDid: service.did,
    gateways: [gateway.url], retries: 0, ...overrides
  })
}

describe('Storacha backend: upload, then read back through a gateway', () => {
  it('uploads a DAG to the space and reads every block back through the gateway, verified', async () => {
    const secrets = await createSpace(service)
    const { root, source } = await tree()
    const put = await backendFor(secrets).put(root, source)
    expect(put.locator).toBe(`${gateway.url}/ipfs/${root.toString()}`)
    // a second relay with the same key and proof sees the upload: it lives in the service, not in the client
    const other = backendFor(secrets)
    expect(await other.has(root)).toBe(true)
    expect((await other.stat(root)).size).toBe(put.size)
    const before = gateway.requests()
    const blocks = await drain(other.get(root))
    expect(gateway.requests()).toBe(before + 1)
    const expected = await drain(readVerifiedDag(source, root))
    expect(blocks.map(b => b.cid.toString()).sort()).toEqual(expected.map(b => b.cid.toString()).sort())
  })

  it('uploads a DAG spooled to a temp file (over spoolMemoryLimit) and reads it back', async () => {
    const secrets = await createSpace(service)
    const { root, source } = await tree()
    const backend = backendFor(secrets, { spoolMemoryLimit: 1024 })
    const put = await backend.put(root, source)
    const car = new Uint8Array(Buffer.concat(await Array.fromAsync(dagToCar(source, root))))
    expect(put.size).toBe(car.byteLength)
    const blocks = await drain(backendFor(secrets).get(root))
    const expected = await drain(readVerifiedDag(source, root))
    expect(blocks.map(b => b.cid.toString()).sort()).toEqual(expected.map(b => b.cid.toString()).sort())
  })

  it('falls back to the next gateway when one is down, and skips one that serves corrupt bytes', async () => {
    const secrets = await createSpace(service)
    const { root, source } = await rawBlock()
    await backendFor(secrets).put(root, source)
    const rotten = await startStorachaGateway(service)
    try {
      rotten.corrupt(root)
      const backend = backendFor(secrets, { gateways: ['http://127.0.0.1:9', rotten.url, gateway.url] })
      const blocks = await drain(backend.get(root))
      expect(blocks.map(b => b.cid.toString())).toEqual([root.toString()])
      expect(rotten.requests()).toBe(1)
      const onlyRotten = backendFor(secrets, { gateways: [rotten.url] })
      await expect(drain(onlyRotten.get(root))).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
    } finally {
      await rotten.stop()
    }
  })
})

describe('Storacha backend: credentials refused with typed errors', () => {
  it('a proof delegated to another agent is ERR_UNAUTHORIZED, and status says so', async () => {
    const someoneElse = await Ed25519.generate()
    const secrets = await createSpace(service, { audience: someoneElse })
    const backend = backendFor(secrets)
    const { root, source } = await rawBlock()
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    await expect(backend.has(root)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    const status = await backend.status()
    expect(status.healthy).toBe(false)
    expect(status.error?.code).toBe('ERR_UNAUTHORIZED')
  })

  it('an expired proof is ERR_UNAUTHORIZED', async () => {
    const secrets = await createSpace(service, { expiration: Math.floor(Date.now() / 1000) - 60 })
    const { root, source } = await rawBlock()
    await expect(backendFor(secrets).put(root, source)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
  })

  it('a proof without the upload abilities is ERR_UNAUTHORIZED for writes', async () => {
    const secrets = await createSpace(service, { abilities: ['upload/list', 'upload/get'] })
    const backend = backendFor(secrets)
    const { root, source } = await rawBlock()
    expect(await backend.has(root)).toBe(false)
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
  })

  it('a malformed key or proof is ERR_INVALID_INPUT', async () => {
    const secrets = await createSpace(service)
    const { root } = await rawBlock()
    await expect(backendFor({ ...secrets, proof: 'not a proof' }).has(root)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(backendFor({ ...secrets, agentKey: 'MgNotAKey' }).has(root)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
  })

  it('an unprovisioned space refuses uploads with ERR_FORBIDDEN and acknowledges nothing', async () => {
    const secrets = await createSpace(service, { unprovisioned: true })
    const backend = backendFor(secrets)
    const { root, source } = await rawBlock()
    // the service answers InsufficientStorage: the agent is authorised, the space has no storage provider
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    expect(await backend.has(root)).toBe(false)
  })
})

describe('Storacha backend: service outage', () => {
  it('a stopped service is ERR_BACKEND_UNAVAILABLE and unhealthy', async () => {
    const down = await startStorachaService()
    const secrets = await createSpace(down)
    const backend = createStorachaBackend({ name: 'storacha', agentKey: secrets.agentKey, proof: secrets.proof, serviceUrl: down.url, serviceDid: down.did, gateways: [gateway.url], retries: 0 })
    await down.stop()
    const { root, source } = await rawBlock()
    await expect(backend.has(root)).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    expect((await backend.status()).error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
  })
})

describe('Storacha backend: config', () => {
  it('reads the agent key and proof from env or files, and requires both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-storacha-'))
    try {
      await writeFile(join(dir, 'proof'), 'PROOF\n')
      const entry = storachaBackendSchema.parse({ kind: 'storacha', serviceUrl: 'https://upload.example.org', serviceDid: 'did:web:upload.example.org', proofFile: join(dir, 'proof') })
      expect(entry.gateways).toEqual(['https://storacha.link'])
      const init = await storachaInitFromConfig(entry, { STORACHA_KEY: 'KEY' })
      expect(init).toMatchObject({ name: 'storacha', agentKey: 'KEY', proof: 'PROOF', serviceUrl: 'https://upload.example.org' })
      await expect(storachaInitFromConfig(storachaBackendSchema.parse({ kind: 'storacha' }), {})).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
      expect(() => storachaBackendSchema.parse({ kind: 'storacha', proof: 'inline secrets are not accepted' })).toThrow()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
