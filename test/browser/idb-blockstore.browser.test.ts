import { interfaceBlockstoreTests } from 'interface-blockstore-tests'
import all from 'it-all'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { IdbBlockstore } from '../../app/blocks/idb-blockstore.ts'
import { MAX_RECORD_BYTES, PARTS_STORE } from '../../app/blocks/idb-records.ts'
import { openDatabase, requestResult, transactionDone } from '../../app/blocks/idb-requests.ts'
import type { IdbBlockstoreInit } from '../../app/blocks/idb-blockstore.ts'
import { multihashKey } from '../../core/blocks/block-key.ts'
import { bytesEqual, collectBlock } from '../../core/blocks/bytes.ts'
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

  /** What the database holds, read with a connection of its own: each key's value and every part's key. */
  async function rawContents (name: string): Promise<{ values: Map<string, unknown>, partKeys: IDBValidKey[] }> {
    const db = await openDatabase(name, ['blocks', PARTS_STORE], 2)
    try {
      const tx = db.transaction(['blocks', PARTS_STORE], 'readonly')
      const [keys, values, partKeys] = await Promise.all([
        requestResult(tx.objectStore('blocks').getAllKeys()),
        requestResult(tx.objectStore('blocks').getAll()),
        requestResult(tx.objectStore(PARTS_STORE).getAllKeys())
      ])
      return { values: new Map(keys.map((key, i) => [typeof key === 'string' ? key : JSON.stringify(key), values[i]])), partKeys }
    } finally {
      db.close()
    }
  }

  it('stores a block above 512 KiB as parts written with it, and reads it back whole by every read', async () => {
    const store = await openStore()
    const large = await block(2 * MAX_RECORD_BYTES + 1000)
    crypto.getRandomValues(large.bytes.subarray(MAX_RECORD_BYTES, MAX_RECORD_BYTES + 65536))
    crypto.getRandomValues(large.bytes.subarray(2 * MAX_RECORD_BYTES))
    large.cid = CID.createV1(raw.code, await sha256.digest(large.bytes))
    const exact = await block(MAX_RECORD_BYTES)
    await Promise.all([store.put(large.cid, large.bytes), store.put(exact.cid, exact.bytes)])

    const { values, partKeys } = await rawContents(store.name)
    expect([...values.values()].filter(v => v instanceof Uint8Array).map(v => v.byteLength)).toEqual([MAX_RECORD_BYTES])
    expect([...values.values()]).toContainEqual({ parts: 3, size: large.bytes.byteLength })
    expect(partKeys.map(key => (key as [string, number])[1])).toEqual([0, 1, 2])

    expect(await store.has(large.cid)).toBe(true)
    expect(bytesEqual(await collectBlock(store.get(large.cid)), large.bytes)).toBe(true)
    expect(bytesEqual(await collectBlock(new VerifiedBlockstore(store).get(large.cid)), large.bytes)).toBe(true)
    const [many] = await all(store.getMany([large.cid]))
    expect(bytesEqual(await collectBlock(many?.bytes ?? []), large.bytes)).toBe(true)
    const listed = await all(store.getAll())
    expect(listed).toHaveLength(2)
    const fromAll = listed.find(pair => pair.cid.multihash.bytes.every((b, i) => b === large.cid.multihash.bytes[i]))
    expect(bytesEqual(await collectBlock(fromAll?.bytes ?? []), large.bytes)).toBe(true)
    expect(bytesEqual(await collectBlock(new VerifiedBlockstore(store).get(exact.cid)), exact.bytes)).toBe(true)
  })

  it('deletes a split block\'s parts with it', async () => {
    const store = await openStore()
    const large = await block(MAX_RECORD_BYTES + 1)
    const small = await block()
    await all(store.putMany([large, small]))
    await store.delete(large.cid)

    const { values, partKeys } = await rawContents(store.name)
    expect(values.size).toBe(1)
    expect(partKeys).toEqual([])
    expect(await store.has(large.cid)).toBe(false)
    await expect(collectBlock(store.get(large.cid))).rejects.toHaveProperty('code', 'ERR_NOT_FOUND')
  })

  it('writes neither the record nor any part of a split block whose transaction fails', async () => {
    const store = await openStore()
    const large = await block(3 * MAX_RECORD_BYTES)
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the store as `this`
    const realPut = IDBObjectStore.prototype.put
    let calls = 0
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (++calls === 3) throw new DOMException('quota', 'QuotaExceededError') // the second part
      return realPut.call(this, value, key)
    })
    await expect(store.put(large.cid, large.bytes)).rejects.toHaveProperty('code', 'ERR_STORAGE')
    vi.restoreAllMocks()

    const { values, partKeys } = await rawContents(store.name)
    expect(values.size).toBe(0)
    expect(partKeys).toEqual([])
  })

  it('answers ERR_NOT_FOUND, not a short block, when a part is missing', async () => {
    const store = await openStore()
    const large = await block(2 * MAX_RECORD_BYTES)
    await store.put(large.cid, large.bytes)
    const db = await openDatabase(store.name, ['blocks', PARTS_STORE], 2)
    const tx = db.transaction(PARTS_STORE, 'readwrite')
    const [firstPart] = await requestResult(tx.objectStore(PARTS_STORE).getAllKeys())
    if (firstPart !== undefined) tx.objectStore(PARTS_STORE).delete(firstPart)
    await transactionDone(tx)
    db.close()

    await expect(collectBlock(store.get(large.cid))).rejects.toThrow(/missing some of its 2 parts/)
  })

  it('opens a database of the first schema (one object store) and keeps its blocks', async () => {
    const name = `ipfs-kit-test-${crypto.randomUUID()}`
    const old = await block(4096)
    const v1 = await openDatabase(name, ['blocks'], 1)
    const tx = v1.transaction('blocks', 'readwrite')
    tx.objectStore('blocks').put(old.bytes, multihashKey(old.cid))
    await transactionDone(tx)
    v1.close()

    const store = new IdbBlockstore(name)
    await store.open()
    opened.push(store)
    const large = await block(MAX_RECORD_BYTES * 2)
    await store.put(large.cid, large.bytes)
    expect(bytesEqual(await collectBlock(store.get(old.cid)), old.bytes)).toBe(true)
    expect(bytesEqual(await collectBlock(store.get(large.cid)), large.bytes)).toBe(true)
  })

  it('answers has with mayRewrite at once (false) while a write is committing, and truly once idle', async () => {
    const store = await openStore()
    const stored = await block(1024)
    await store.put(stored.cid, stored.bytes)
    const busy = await Promise.all(Array.from({ length: 32 }, async (_, i) => block(256 * 1024, i)))
    const writing = Promise.all(busy.map(async b => store.put(b.cid, b.bytes)))
    // microtasks only: the batch is handed to its transaction within a few, and no IndexedDB event (a later task)
    // can complete it before the checks below start
    for (let i = 0; i < 50; i++) await Promise.resolve()

    const order: string[] = []
    const quick = store.has(stored.cid, { mayRewrite: true }).then(answer => { order.push('quick'); return answer })
    const exact = store.has(stored.cid).then(answer => { order.push('exact'); return answer })
    const written = writing.then(() => { order.push('written') })
    expect(await quick).toBe(false)
    expect(await exact).toBe(true)
    await written
    // the exact answer waited for the write transaction; the hinted one did not
    expect(order.indexOf('quick')).toBeLessThan(order.indexOf('written'))
    expect(order.indexOf('exact')).toBeGreaterThan(order.indexOf('written'))
    expect(await store.has(stored.cid, { mayRewrite: true })).toBe(true)
  })

  it('reuses its own part copies but never the parts a caller handed in', async () => {
    const store = await openStore()
    const first = await block(2 * MAX_RECORD_BYTES, 1)
    const callerParts = [first.bytes.slice(0, MAX_RECORD_BYTES), first.bytes.slice(MAX_RECORD_BYTES)]
    await store.put(first.cid, callerParts)
    const later = await Promise.all([2, 3, 4].map(async fill => block(2 * MAX_RECORD_BYTES, fill)))
    for (const { cid, bytes } of later) await store.put(cid, bytes)

    expect(callerParts.every(part => part.every(b => b === 1))).toBe(true)
    for (const { cid, bytes } of [first, ...later]) expect(bytesEqual(await collectBlock(store.get(cid)), bytes)).toBe(true)
  })
})
