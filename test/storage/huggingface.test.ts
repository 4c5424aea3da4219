import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CarBlockIterator } from '@ipld/car'
import { createBranch, downloadFile, listFiles } from '@huggingface/hub'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { createHuggingFaceBackend, huggingfaceBackendSchema, huggingfaceInitFromConfig } from '../../node-relay/storage/huggingface/index.ts'
import { startFakeHub } from './support/hf-hub-server.ts'
import type { FakeHub } from './support/hf-hub-server.ts'
import type { HuggingFaceBackend } from '../../node-relay/storage/huggingface/index.ts'
import type { VerifiedBlock } from '../../core/storage/index.ts'

const REPO = 'kit/store'
const WRITER = 'hf_writer'
const READER = 'hf_reader'

let hub: FakeHub

/** Deterministic pseudo-random bytes (xorshift32), so chunks of a big file do not deduplicate. */
function bytesOf (length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = seed + 0x9e3779b9 >>> 0
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

async function rawBlock (seed: number): Promise<{ root: CID, source: MemoryBlockstore }> {
  const bytes = bytesOf(1000, seed)
  const root = CID.createV1(raw.code, await sha256.digest(bytes))
  const source = new MemoryBlockstore()
  await source.put(root, bytes)
  return { root, source }
}

async function bigFile (length: number, seed: number): Promise<{ root: CID, source: MemoryBlockstore }> {
  const source = new MemoryBlockstore()
  const { cid } = await createContentStore({ blockstore: source }).add(bytesOf(length, seed), { chunker: { type: 'fixed', size: 256 * 1024 } })
  return { root: cid, source }
}

async function drain (blocks: AsyncIterable<VerifiedBlock>): Promise<VerifiedBlock[]> {
  const out: VerifiedBlock[] = []
  for await (const block of blocks) out.push(block)
  return out
}

function backendWith (overrides: Partial<Parameters<typeof createHuggingFaceBackend>[0]> = {}): HuggingFaceBackend {
  return createHuggingFaceBackend({ name: 'hf', repo: REPO, repoType: 'dataset', token: WRITER, hubUrl: hub.url, ...overrides })
}

beforeEach(async () => {
  hub = await startFakeHub({ tokens: { [WRITER]: 'write', [READER]: 'read' }, multipartChunkSize: 1024 * 1024, treePageSize: 3 })
  hub.createRepo('dataset', REPO)
})

afterEach(async () => {
  await hub.stop()
})

describe('Hugging Face backend: layout and LFS', () => {
  it('uploads a large DAG through preupload, the LFS multipart transfer and one NDJSON commit', async () => {
    const { root, source } = await bigFile(3 * 1024 * 1024, 1)
    const backend = backendWith({ spoolMemoryLimit: 1024 * 1024 }) // over the limit: spooled to a temp file
    const put = await backend.put(root, source)
    expect(put.locator).toBe(`${hub.url}/datasets/${REPO}/resolve/main/ipfs/${root.toString()}.car`)
    const writes = hub.requests.filter(r => !r.includes('paths-info'))
    expect(writes[0]).toBe(`POST /api/datasets/${REPO}/preupload/main`)
    expect(writes[1]).toBe(`POST /datasets/${REPO}.git/info/lfs/objects/batch`)
    expect(writes.filter(r => /^PUT \/lfs-upload\/[0-9a-f]{64}\/part\/\d$/.test(r)).length).toBe(Math.ceil(put.size / (1024 * 1024)))
    expect(writes).toContain(`POST /api/datasets/${REPO}/commit/main`)
    const entries = []
    for await (const entry of listFiles({ repo: { type: 'dataset', name: REPO }, hubUrl: hub.url, accessToken: READER, path: 'ipfs' })) entries.push(entry)
    expect(entries).toHaveLength(1)
    expect(entries[0]?.lfs?.size).toBe(put.size)
  })

  it('stores a plain CARv1 that the stock @huggingface/hub client can download and read', async () => {
    const { root, source } = await rawBlock(2)
    await backendWith().put(root, source)
    const blob = await downloadFile({ repo: { type: 'dataset', name: REPO }, hubUrl: hub.url, accessToken: READER, path: `ipfs/${root.toString()}.car` })
    expect(blob).not.toBeNull()
    const car = await CarBlockIterator.fromBytes(new Uint8Array(await blob?.arrayBuffer() ?? new ArrayBuffer(0)))
    expect((await car.getRoots()).map(r => r.toString())).toEqual([root.toString()])
  })

  it('does not commit content that is already in the repo', async () => {
    const { root, source } = await rawBlock(3)
    const backend = backendWith()
    await backend.put(root, source)
    await backend.put(root, source)
    expect(hub.requests.filter(r => r.includes('/commit/')).length).toBe(1)
  })

  it('lists only <cid>.car files under its prefix, across tree pages', async () => {
    const backend = backendWith()
    const roots: string[] = []
    for (let seed = 10; seed < 17; seed++) {
      const { root, source } = await rawBlock(seed)
      await backend.put(root, source)
      roots.push(root.toString())
    }
    const other = backendWith({ pathPrefix: 'elsewhere' })
    const outside = await rawBlock(99)
    await other.put(outside.root, outside.source)
    const listed: string[] = []
    for await (const cid of backend.list()) listed.push(cid.toString())
    expect(listed.sort()).toEqual(roots.sort())
    expect(hub.requests.filter(r => r.includes('/tree/')).length).toBeGreaterThan(1)
  })

  it('lists nothing before anything was stored', async () => {
    expect(await drain((async function * () { for await (const cid of backendWith().list()) yield { cid, bytes: new Uint8Array() } })())).toEqual([])
  })
})

describe('Hugging Face backend: revisions', () => {
  it('writes to and reads from its own branch, leaving main untouched', async () => {
    await createBranch({ repo: { type: 'dataset', name: REPO }, hubUrl: hub.url, accessToken: WRITER, branch: 'ipfs-kit' })
    const onBranch = backendWith({ revision: 'ipfs-kit' })
    const { root, source } = await rawBlock(20)
    const put = await onBranch.put(root, source)
    expect(put.locator).toContain('/resolve/ipfs-kit/')
    expect(await onBranch.has(root)).toBe(true)
    expect(await backendWith().has(root)).toBe(false)
    expect(await drain(onBranch.get(root))).toHaveLength(1)
  })

  it('pinned to a commit id it reads that snapshot and refuses writes', async () => {
    const backend = backendWith()
    const { root, source } = await rawBlock(21)
    await backend.put(root, source)
    const repo = hub.state.repos.get(`dataset:${REPO}`)
    const commitId = repo?.branches.get('main') ?? ''
    await backend.delete(root)
    const pinned = backendWith({ revision: commitId })
    expect(pinned.capabilities.write).toBe(false)
    expect(await drain(pinned.get(root))).toHaveLength(1)
    expect(await backend.has(root)).toBe(false)
    await expect(pinned.put(root, source)).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
    await expect(pinned.delete(root)).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
  })

  it('a branch that does not exist is ERR_NOT_FOUND', async () => {
    const { root, source } = await rawBlock(22)
    await expect(backendWith({ revision: 'nope' }).put(root, source)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
  })
})

describe('Hugging Face backend: errors at the boundary', () => {
  it('a missing entry is ERR_NOT_FOUND on get and stat, false on has', async () => {
    const { root } = await rawBlock(30)
    const backend = backendWith()
    await expect(drain(backend.get(root))).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    await expect(backend.stat(root)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    expect(await backend.has(root)).toBe(false)
  })

  it('a missing repo is ERR_NOT_FOUND and makes status unhealthy', async () => {
    const backend = backendWith({ repo: 'kit/missing' })
    const { root } = await rawBlock(31)
    await expect(drain(backend.get(root))).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    const status = await backend.status()
    expect(status.healthy).toBe(false)
    expect(status.error?.code).toBe('ERR_NOT_FOUND')
  })

  it('a bad token is ERR_UNAUTHORIZED for reads and writes, and status says so', async () => {
    const backend = backendWith({ token: 'hf_not_a_real_token' })
    const { root, source } = await rawBlock(32)
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    await expect(backend.has(root)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    await expect(drain(backend.get(root))).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    expect((await backend.status()).error?.code).toBe('ERR_UNAUTHORIZED')
  })

  it('a read-only token reads but is ERR_FORBIDDEN for writes', async () => {
    const { root, source } = await rawBlock(33)
    await backendWith().put(root, source)
    const reader = backendWith({ token: READER })
    expect(await drain(reader.get(root))).toHaveLength(1)
    const other = await rawBlock(34)
    await expect(reader.put(other.root, other.source)).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    await expect(reader.delete(root)).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
  })

  it('a private repo without a token is ERR_UNAUTHORIZED', async () => {
    hub.createRepo('model', 'kit/private', true)
    const anonymous = createHuggingFaceBackend({ name: 'hf', repo: 'kit/private', repoType: 'model', hubUrl: hub.url })
    const { root } = await rawBlock(35)
    await expect(anonymous.has(root)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
  })

  it('a stopped Hub is ERR_BACKEND_UNAVAILABLE and unhealthy', async () => {
    const backend = backendWith()
    await hub.stop()
    const { root, source } = await rawBlock(36)
    await expect(backend.has(root)).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    const status = await backend.status()
    expect(status.healthy).toBe(false)
    expect(status.error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
    hub = await startFakeHub()
  })

  it('a model repo uses the model URL shapes (no type prefix)', async () => {
    hub.createRepo('model', 'kit/model')
    const backend = createHuggingFaceBackend({ name: 'hf', repo: 'kit/model', repoType: 'model', token: WRITER, hubUrl: hub.url })
    const { root, source } = await rawBlock(37)
    const put = await backend.put(root, source)
    expect(put.locator).toBe(`${hub.url}/kit/model/resolve/main/ipfs/${root.toString()}.car`)
    expect(hub.requests).toContain('POST /kit/model.git/info/lfs/objects/batch')
    expect(await drain(backend.get(root))).toHaveLength(1)
  })
})

describe('Hugging Face backend: config', () => {
  it('reads the token from a file or the environment, never from the config itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-hf-'))
    try {
      await writeFile(join(dir, 'token'), `${WRITER}\n`)
      const entry = huggingfaceBackendSchema.parse({ kind: 'huggingface', name: 'hf', repo: REPO, tokenFile: join(dir, 'token') })
      expect(entry.repoType).toBe('dataset')
      expect((await huggingfaceInitFromConfig(entry, {})).token).toBe(WRITER)
      const fromEnv = huggingfaceBackendSchema.parse({ kind: 'huggingface', name: 'hf', repo: REPO })
      expect((await huggingfaceInitFromConfig(fromEnv, { HF_TOKEN: READER })).token).toBe(READER)
      expect(() => huggingfaceBackendSchema.parse({ kind: 'huggingface', name: 'hf', repo: REPO, token: WRITER })).toThrow()
      await expect(huggingfaceInitFromConfig(fromEnv, { HF_TOKEN: 'not-hf' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
      expect(() => createHuggingFaceBackend({ name: 'hf', repo: REPO, token: 'not-hf' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
