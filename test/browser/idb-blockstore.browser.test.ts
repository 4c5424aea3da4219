import { interfaceBlockstoreTests } from 'interface-blockstore-tests'
import all from 'it-all'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { IdbBlockstore } from '../../app/blocks/idb-blockstore.ts'
import type { IdbBlockstoreInit } from '../../app/blocks/idb-blockstore.ts'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { TieredBlockstore, VerifiedBlockstore } from '../../core/blocks/index.ts'
import type { Blockstore } from 'interface-blockstore'

/** Every store opened by a test, destroyed (database deleted) after it. */
const opened: IdbBlockstore[] = []

async function openStore (init?: IdbBlockstoreInit): Promise<IdbBlockstore> {
  const store = new IdbBlockstore(`ipfs-kit-test-${crypto.randomUUID()}`, init)
  await store.open()
  opened.push(store)
  return store
}

async function destroyAll (): Promise<void> {
  await Promise.all(opened.splice(0).map(async store => store.destroy()))
}

async function block (size = 64, fill?: number): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array(size)
  if (fill === undefined) crypto.getRandomValues(bytes.subarray(0, Math.min(size, 65536)))
  else bytes.fill(fill)
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

function compliance (wrap: (store: IdbBlockstore) => Blockstore): void {
  interfaceBlockstoreTests({ setup: async () => wrap(await openStore()), teardown: destroyAll })
}

describe('IdbBlockstore: interface-blockstore compliance', () => {
  compliance(store => store)
})

describe('VerifiedBlockstore over IdbBlockstore: interface-blockstore compliance', () => {
  compliance(store => new VerifiedBlockstore(store))
})

describe('TieredBlockstore over IdbBlockstore: interface-blockstore compliance', () => {
  compliance(store => new TieredBlockstore(store, { cacheBytes: 4096 }))
})

describe('IdbBlockstore', () => {
  afterEach(async () => {
    vi.restoreAllMocks()
    await destroyAll()
  })

  it('commits 200 concurrent puts of distinct and duplicate blocks in a few shared transactions', async () => {
    const store = await openStore()
    const distinct = await Promise.all(Array.from({ length: 150 }, async () => block(1024)))
    const writes = [...distinct, ...distinct.slice(0, 50)].sort(() => Math.random() - 0.5)
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction')

    await Promise.all(writes.map(async ({ cid, bytes }) => store.put(cid, bytes)))

    const readwrite = transaction.mock.calls.filter(([, mode]) => mode === 'readwrite').length
    expect(readwrite).toBeGreaterThan(0)
    expect(readwrite).toBeLessThanOrEqual(Math.ceil(writes.length / 64) + 1)
    for (const { cid, bytes } of distinct) {
      expect(await collectBlock(store.get(cid))).toEqual(bytes)
    }
    expect(await all(store.getAll())).toHaveLength(distinct.length)
  })

  it('stores a block that is a view into a larger buffer as just its own bytes', async () => {
    const store = await openStore()
    const { cid, bytes } = await block(100)
    const big = new Uint8Array(1024 * 1024)
    big.set(bytes, 4096)
    await store.put(cid, big.subarray(4096, 4196))
    const read = await collectBlock(store.get(cid))
    expect(read.buffer.byteLength).toBe(100)
    expect(read).toEqual(bytes)
  })

  it('lets VerifiedBlockstore reject a corrupted block with ERR_BLOCK_CORRUPT', async () => {
    const store = await openStore()
    const { cid } = await block()
    const { bytes: wrong } = await block()
    await store.put(cid, wrong)

    await expect(collectBlock(new VerifiedBlockstore(store).get(cid))).rejects.toHaveProperty('code', 'ERR_BLOCK_CORRUPT')
  })

  it('keeps data across close() and reopen', async () => {
    const store = await openStore()
    const blocks = await Promise.all(Array.from({ length: 10 }, async () => block(4096)))
    await all(store.putMany(blocks))
    await store.close()
    await expect(store.has((await block()).cid)).rejects.toHaveProperty('code', 'ERR_STORE_CLOSED')

    const reopened = new IdbBlockstore(store.name)
    await reopened.open()
    opened.push(reopened)
    for (const { cid, bytes } of blocks) {
      expect(await collectBlock(reopened.get(cid))).toEqual(bytes)
    }
  })

  it('closes itself instead of blocking when another connection deletes the database', async () => {
    const store = await openStore()
    const { cid, bytes } = await block()
    await store.put(cid, bytes)

    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(store.name)
      request.onsuccess = () => { resolve() }
      request.onerror = () => { reject(request.error ?? new Error('delete failed')) }
      request.onblocked = () => { reject(new Error('delete was blocked')) }
    })

    await expect(store.has(cid)).rejects.toHaveProperty('code', 'ERR_STORE_CLOSED')
  })

  it('rejects put and get with an aborted signal, and drops a put aborted while queued', async () => {
    // one put per transaction: the put under test waits behind 64 commits, so its abort always lands while it is
    // queued (with shared transactions the batch could commit before the abort on a loaded machine)
    const store = await openStore({ maxOps: 1 })
    const { cid, bytes } = await block()
    await expect(store.put(cid, bytes, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/)
    await expect(collectBlock(store.get(cid, { signal: AbortSignal.abort() }))).rejects.toThrow(/abort/)

    // a big batch occupies the transaction; the next put waits in the queue and is aborted there
    const busy = await Promise.all(Array.from({ length: 64 }, async (_, i) => block(256 * 1024, i)))
    const inFlight = Promise.all(busy.map(async b => store.put(b.cid, b.bytes)))
    await new Promise(resolve => setTimeout(resolve, 0))
    const controller = new AbortController()
    const queued = store.put(cid, bytes, { signal: controller.signal })
    await new Promise(resolve => setTimeout(resolve, 0))
    controller.abort()

    await expect(queued).rejects.toThrow(/abort/)
    await inFlight
    expect(await store.has(cid)).toBe(false)
    for (const b of busy) expect(await store.has(b.cid)).toBe(true)
  })

  /** Ways a write transaction fails: a request throws as it is made, or the browser aborts the commit. */
  const failures: Array<[string, () => void]> = [
    ['synchronously (QuotaExceededError from put)', () => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the store as `this`
      const realPut = IDBObjectStore.prototype.put
      let calls = 0
      vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
        if (++calls === 5) throw new DOMException('quota', 'QuotaExceededError')
        return realPut.call(this, value, key)
      })
    }],
    ['asynchronously (transaction aborted at commit)', () => {
      vi.spyOn(IDBTransaction.prototype, 'commit').mockImplementation(function (this: IDBTransaction) { this.abort() })
    }]
  ]

  it.each(failures)('rejects every put of a batch that fails %s with ERR_STORAGE and writes none', async (_, fail) => {
    const store = await openStore()
    const blocks = await Promise.all(Array.from({ length: 10 }, async () => block()))
    fail()

    const results = await Promise.allSettled(blocks.map(async ({ cid, bytes }) => store.put(cid, bytes)))
    vi.restoreAllMocks()

    for (const result of results) {
      expect(result.status).toBe('rejected')
      if (result.status === 'rejected') expect(result.reason).toHaveProperty('code', 'ERR_STORAGE')
    }
    for (const { cid } of blocks) expect(await store.has(cid)).toBe(false)
  })
})
