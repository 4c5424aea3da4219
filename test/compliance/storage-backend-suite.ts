/**
 * The compliance suite every {@link StorageBackend} runs, in the style of interface-blockstore-tests: it imports
 * only the interface and core helpers, and each backend's test file supplies `setup` (the backend against its most
 * real local stand-in, plus how to corrupt what it stored) and `teardown`. See the comment at the top of
 * core/storage/backend.ts.
 */
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryBlockstore, verifyBlock } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { readVerifiedDag } from '../../core/storage/index.ts'
import type { DagSource, StorageBackend, VerifiedBlock } from '../../core/storage/index.ts'

/** What `setup` gives the suite. */
export interface StorageBackendFixture {
  backend: StorageBackend
  /**
   * Change the stored bytes of `root` (a single raw block the suite put) by going around the backend, so the
   * payload no longer matches the CID while any framing (CAR header, varints) stays valid. Flipping the last byte
   * of the stored object or block does that.
   */
  corrupt: (root: CID) => Promise<void>
  /** Place content the backend can then read; required when `capabilities.write` is false. */
  seed?: (root: CID, source: DagSource) => Promise<void>
}

/** Options of {@link storageBackendTests}. */
export interface StorageBackendSuiteOptions {
  setup: () => Promise<StorageBackendFixture>
  teardown: (fixture: StorageBackendFixture) => Promise<void>
  /** Size of the large DAG (default 4 MiB in 256 KiB leaves). */
  largeBytes?: number
}

/** Deterministic pseudo-random bytes (xorshift32). */
function bytesOf (length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** Some content to store: its root and a blockstore holding every block of its DAG. */
interface Content {
  root: CID
  source: MemoryBlockstore
}

/** Unique seeds per run, so suites sharing one service (a bucket, a gateway) never see each other's content. */
let seedCounter = Math.floor(Math.random() * 1_000_000)

async function rawContent (length = 1024): Promise<Content> {
  const bytes = bytesOf(length, ++seedCounter)
  const root = CID.createV1(raw.code, await sha256.digest(bytes))
  const source = new MemoryBlockstore()
  await source.put(root, bytes)
  return { root, source }
}

async function fileContent (length: number, chunk = 256 * 1024): Promise<Content> {
  const source = new MemoryBlockstore()
  const { cid } = await createContentStore({ blockstore: source }).add(bytesOf(length, ++seedCounter), { chunker: { type: 'fixed', size: chunk } })
  return { root: cid, source }
}

async function treeContent (): Promise<Content> {
  const source = new MemoryBlockstore()
  const seed = ++seedCounter
  const entries = [
    { path: 'a.txt', content: bytesOf(300, seed) },
    { path: 'dir/b.bin', content: bytesOf(70_000, seed + 1) },
    { path: 'dir/sub/c.bin', content: bytesOf(5_000, seed + 2) },
    { path: 'empty' }
  ]
  let root: CID | undefined
  for await (const entry of createContentStore({ blockstore: source }).addAll(entries, { chunker: { type: 'fixed', size: 16 * 1024 } })) root = entry.cid
  if (root === undefined) throw new Error('addAll yielded nothing')
  return { root, source }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

async function collectDag (blocks: AsyncIterable<VerifiedBlock>): Promise<VerifiedBlock[]> {
  const out: VerifiedBlock[] = []
  for await (const block of blocks) out.push(block)
  return out
}

async function expectCode (work: Promise<unknown>, code: string): Promise<void> {
  await expect(work).rejects.toMatchObject({ code })
}

async function expectAborted (work: Promise<unknown>): Promise<void> {
  await expect(work).rejects.toMatchObject({ name: 'AbortError' })
}

function aborted (): AbortSignal {
  const controller = new AbortController()
  controller.abort()
  return controller.signal
}

/** The suite. Call it inside a `describe` of your backend's test file. */
export function storageBackendTests (options: StorageBackendSuiteOptions): void {
  let fixture: StorageBackendFixture
  let backend: StorageBackend

  const store = async (content: Content): Promise<void> => {
    if (backend.capabilities.write) {
      await backend.put(content.root, content.source)
      return
    }
    if (fixture.seed === undefined) throw new Error(`backend ${backend.name} is read-only: the fixture must provide seed()`)
    await fixture.seed(content.root, content.source)
  }

  const expectSameDag = async (content: Content, blocks: VerifiedBlock[]): Promise<void> => {
    const expected = await collectDag(readVerifiedDag(content.source, content.root))
    expect(blocks.map(b => b.cid.toString()).sort()).toEqual(expected.map(b => b.cid.toString()).sort())
    // toEqual walks typed arrays element by element (seconds per MiB): compare bytes directly
    for (const block of blocks) {
      const original = expected.find(b => b.cid.equals(block.cid))
      expect(original !== undefined && sameBytes(original.bytes, block.bytes)).toBe(true)
    }
  }

  beforeEach(async () => {
    fixture = await options.setup()
    backend = fixture.backend
  })

  afterEach(async () => {
    await options.teardown(fixture)
  })

  describe('description', () => {
    it('has a name, a layout, capabilities and a cost profile', () => {
      expect(backend.name.length).toBeGreaterThan(0)
      expect(backend.kind.length).toBeGreaterThan(0)
      expect(['car', 'blocks']).toContain(backend.layout)
      for (const key of ['read', 'write', 'delete', 'list', 'streaming'] as const) expect(typeof backend.capabilities[key]).toBe('boolean')
      expect(backend.capabilities.read).toBe(true)
      for (const key of ['storageUsdPerGbMonth', 'egressUsdPerGb', 'latencyMs'] as const) expect(backend.cost[key]).toBeGreaterThanOrEqual(0)
    })

    it('reports itself healthy with a measured latency', async () => {
      const status = await backend.status()
      expect(status.healthy).toBe(true)
      expect(status.latencyMs).toBeGreaterThanOrEqual(0)
      expect(Number.isNaN(Date.parse(status.checkedAt))).toBe(false)
    })
  })

  describe('put and get', () => {
    it('round-trips a single block, verified', async () => {
      const content = await rawContent()
      await store(content)
      const blocks = await collectDag(backend.get(content.root))
      await expectSameDag(content, blocks)
    })

    it('round-trips a directory tree with every block of its DAG', async () => {
      const content = await treeContent()
      await store(content)
      await expectSameDag(content, await collectDag(backend.get(content.root)))
    })

    it('round-trips a large multi-block DAG', async () => {
      const content = await fileContent(options.largeBytes ?? 4 * 1024 * 1024)
      await store(content)
      const blocks = await collectDag(backend.get(content.root))
      await expectSameDag(content, blocks)
    })

    it('returns the root, a size and a locator from put, and the same from stat', async () => {
      const content = await rawContent(2048)
      if (backend.capabilities.write) {
        const result = await backend.put(content.root, content.source)
        expect(result.cid.equals(content.root)).toBe(true)
        expect(result.size).toBeGreaterThanOrEqual(2048)
        expect(result.locator.length).toBeGreaterThan(0)
      } else {
        await store(content)
      }
      const stat = await backend.stat(content.root)
      expect(stat.cid.equals(content.root)).toBe(true)
      expect(stat.size).toBeGreaterThanOrEqual(2048)
      expect(stat.locator.length).toBeGreaterThan(0)
    })

    it('answers has() for stored and missing content', async () => {
      const content = await rawContent()
      const missing = await rawContent()
      await store(content)
      expect(await backend.has(content.root)).toBe(true)
      expect(await backend.has(missing.root)).toBe(false)
    })

    it('accepts putting the same content twice', async () => {
      const content = await treeContent()
      await store(content)
      await store(content)
      await expectSameDag(content, await collectDag(backend.get(content.root)))
    })
  })

  describe('missing keys', () => {
    it('get of missing content is ERR_NOT_FOUND', async () => {
      const missing = await rawContent()
      await expectCode(collectDag(backend.get(missing.root)), 'ERR_NOT_FOUND')
    })

    it('stat of missing content is ERR_NOT_FOUND', async () => {
      const missing = await rawContent()
      await expectCode(backend.stat(missing.root), 'ERR_NOT_FOUND')
    })

    it('delete of missing content succeeds when delete is supported', async () => {
      const missing = await rawContent()
      if (backend.capabilities.delete) await backend.delete(missing.root)
      else await expectCode(backend.delete(missing.root), 'ERR_NOT_SUPPORTED')
    })
  })

  describe('delete and list', () => {
    it('deletes what was put', async () => {
      const content = await rawContent()
      await store(content)
      if (!backend.capabilities.delete) {
        await expectCode(backend.delete(content.root), 'ERR_NOT_SUPPORTED')
        return
      }
      await backend.delete(content.root)
      expect(await backend.has(content.root)).toBe(false)
      await expectCode(collectDag(backend.get(content.root)), 'ERR_NOT_FOUND')
    })

    it('lists stored roots', async () => {
      const a = await rawContent()
      const b = await treeContent()
      await store(a)
      await store(b)
      if (!backend.capabilities.list) {
        await expectCode(collectDag((async function * () { for await (const cid of backend.list()) yield { cid, bytes: new Uint8Array() } })()), 'ERR_NOT_SUPPORTED')
        return
      }
      // block stores key by multihash and may list a CID with another codec: compare multihashes
      const listed = new Set<string>()
      for await (const cid of backend.list()) listed.add(base32.encode(cid.multihash.bytes))
      expect(listed.has(base32.encode(a.root.multihash.bytes))).toBe(true)
      expect(listed.has(base32.encode(b.root.multihash.bytes))).toBe(true)
    })
  })

  describe('writes', () => {
    it('refuses put with ERR_NOT_SUPPORTED when read-only', async () => {
      if (backend.capabilities.write) return
      const content = await rawContent()
      await expectCode(backend.put(content.root, content.source), 'ERR_NOT_SUPPORTED')
    })

    it('refuses a source whose block does not match its CID, and acknowledges nothing', async () => {
      if (!backend.capabilities.write) return
      const content = await rawContent()
      const lying: DagSource = { get: async function * () { yield bytesOf(1024, 424242) } }
      await expectCode(backend.put(content.root, lying), 'ERR_BLOCK_CORRUPT')
      expect(await backend.has(content.root)).toBe(false)
    })

    it('survives parallel writers of different and identical content', async () => {
      const distinct = await Promise.all(Array.from({ length: 6 }, async () => rawContent(8 * 1024)))
      const shared = await treeContent()
      await Promise.all([...distinct.map(store), ...Array.from({ length: 4 }, async () => { await store(shared) })])
      for (const content of [...distinct, shared]) await expectSameDag(content, await collectDag(backend.get(content.root)))
    })
  })

  describe('abort signals', () => {
    it('rejects every operation when the signal is already aborted', async () => {
      const content = await rawContent()
      await store(content)
      const signal = aborted()
      await expectAborted(backend.put(content.root, content.source, { signal }))
      await expectAborted(collectDag(backend.get(content.root, { signal })))
      await expectAborted(backend.has(content.root, { signal }))
      await expectAborted(backend.stat(content.root, { signal }))
      await expectAborted(backend.delete(content.root, { signal }))
      await expectAborted(collectDag((async function * () { for await (const cid of backend.list({ signal })) yield { cid, bytes: new Uint8Array() } })()))
      expect(await backend.has(content.root)).toBe(true)
    })

    it('stops a read when the signal aborts midway', async () => {
      const content = await fileContent(2 * 1024 * 1024, 128 * 1024)
      await store(content)
      const controller = new AbortController()
      const seen: VerifiedBlock[] = []
      const reading = (async () => {
        for await (const block of backend.get(content.root, { signal: controller.signal })) {
          seen.push(block)
          controller.abort()
        }
      })()
      await expectAborted(reading)
      expect(seen.length).toBeLessThan(17)
    })
  })

  describe('corrupt data', () => {
    it('never returns bytes that do not match the CID: ERR_BLOCK_CORRUPT', async () => {
      const content = await rawContent(64 * 1024)
      await store(content)
      await fixture.corrupt(content.root)
      const yielded: VerifiedBlock[] = []
      const reading = (async () => {
        for await (const block of backend.get(content.root)) yielded.push(block)
      })()
      await expectCode(reading, 'ERR_BLOCK_CORRUPT')
      for (const block of yielded) await verifyBlock(block.cid, block.bytes)
    })
  })
}
