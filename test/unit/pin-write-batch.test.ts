/**
 * A pin's records held in memory and committed as batches (`PinBatchingDatastore`): first the datastore alone over a
 * store that records what reaches it, then a real Helia under the service, where a pin that fails half way must leave
 * no block counted as pinned.
 */
import { MemoryBlockstore } from 'blockstore-core'
import { BaseDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import { MAX_HELD_BLOCK_RECORDS, PINNED_BLOCK_PREFIX, PinBatchingDatastore, pinnedBlockKey } from '../../core/service/pin-write-batch.ts'
import { PIN_PREFIX } from '../../core/service/pin-records.ts'
import { pseudoRandomBytes, rawBlock } from '../support/fixtures.ts'
import { startGuardedService } from '../support/guarded-service.ts'
import { NotFoundError } from 'interface-store'
import type { Batch, Pair } from 'interface-datastore'
import type { Helia } from '@helia/interface'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/**
 * A memory datastore that records every write that reaches it: single puts, and each batch committed. Like
 * datastore-core's MemoryDatastore, it answers synchronously and a read of a missing key throws before returning.
 */
class RecordingDatastore extends BaseDatastore {
  readonly puts: string[] = []
  readonly gets: string[] = []
  readonly batches: string[][] = []
  /** When set, a batch's commit resolves without writing anything (as datastore-idb's does when its transaction fails). */
  dropBatches = false
  /** Called as each batch commits, before it writes. */
  onCommit: () => void = () => {}
  private readonly data = new Map<string, Uint8Array>()

  override put (key: Key, value: Uint8Array): Key {
    this.puts.push(key.toString())
    this.data.set(key.toString(), value)
    return key
  }

  override get (key: Key): Uint8Array {
    this.gets.push(key.toString())
    const value = this.data.get(key.toString())
    if (value === undefined) throw new NotFoundError()
    return value
  }

  override has (key: Key): boolean {
    return this.data.has(key.toString())
  }

  override delete (key: Key): void {
    this.data.delete(key.toString())
  }

  override * _all (): Generator<Pair> {
    for (const [key, value] of this.data) yield { key: new Key(key), value }
  }

  override batch (): Batch {
    const writes: Array<{ key: Key, value?: Uint8Array }> = []
    return {
      put: (key, value) => { writes.push({ key, value }) },
      delete: (key) => { writes.push({ key }) },
      commit: async () => {
        this.batches.push(writes.map(write => write.key.toString()))
        this.onCommit()
        if (this.dropBatches) return
        for (const write of writes) {
          if (write.value === undefined) this.data.delete(write.key.toString())
          else this.data.set(write.key.toString(), write.value)
        }
      }
    }
  }

  keysUnder (prefix: string): string[] {
    return [...this.data.keys()].filter(key => key.startsWith(prefix)).sort()
  }
}

const pinKey = new Key(`${PIN_PREFIX}abc`)
const blockKey = new Key(`${PINNED_BLOCK_PREFIX}def`)
const otherKey = new Key('/peers/xyz')

describe('PinBatchingDatastore', () => {
  it('holds pin records written in a run, shows them to its own reads, and commits the blocks\' records before the pin\'s', async () => {
    const store = new RecordingDatastore()
    const batching = new PinBatchingDatastore(store)
    await batching.run(async () => {
      await batching.put(blockKey, bytes('count 1'))
      await batching.put(pinKey, bytes('pin'))
      expect(await batching.get(blockKey)).toEqual(bytes('count 1'))
      expect(await batching.has(pinKey)).toBe(true)
      expect(store.has(blockKey), 'nothing reaches the store before the commit').toBe(false)
      expect(store.puts).toEqual([])
    })
    expect(store.batches).toEqual([[blockKey.toString()], [pinKey.toString()]])
    expect(store.get(blockKey)).toEqual(bytes('count 1'))
    expect(store.get(pinKey)).toEqual(bytes('pin'))
  })

  it('keeps nothing a failed run wrote', async () => {
    const store = new RecordingDatastore()
    const batching = new PinBatchingDatastore(store)
    await expect(batching.run(async () => {
      await batching.put(blockKey, bytes('count 1'))
      throw new Error('the walk failed')
    })).rejects.toThrow('the walk failed')
    expect(store.batches).toEqual([])
    expect(await batching.has(blockKey)).toBe(false)
  })

  it('passes other keys, and every write outside a run, straight to the store', async () => {
    const store = new RecordingDatastore()
    const batching = new PinBatchingDatastore(store)
    await batching.run(async () => {
      await batching.put(otherKey, bytes('a peer record'))
      expect(store.has(otherKey)).toBe(true)
    })
    await batching.put(blockKey, bytes('count 1'))
    expect(store.puts).toEqual([otherKey.toString(), blockKey.toString()])
  })

  it('a delete in a run hides the stored record from its reads and removes it at the commit', async () => {
    const store = new RecordingDatastore()
    store.put(blockKey, bytes('count 1'))
    const batching = new PinBatchingDatastore(store)
    await batching.run(async () => {
      await batching.delete(blockKey)
      expect(await batching.has(blockKey)).toBe(false)
      await expect(batching.get(blockKey)).rejects.toMatchObject({ name: 'NotFoundError' })
      expect(store.has(blockKey)).toBe(true)
    })
    expect(store.has(blockKey)).toBe(false)
  })

  it('fails with ERR_STORAGE when the store\'s batch resolves without writing', async () => {
    const store = new RecordingDatastore()
    store.dropBatches = true
    const batching = new PinBatchingDatastore(store)
    await expect(batching.run(async () => { await batching.put(blockKey, bytes('count 1')) })).rejects.toMatchObject({ code: 'ERR_STORAGE' })
  })

  it('fails with ERR_STORAGE when the dropped write was an update of a record that was already there', async () => {
    const store = new RecordingDatastore()
    store.put(blockKey, bytes('count 1'))
    store.dropBatches = true
    const batching = new PinBatchingDatastore(store)
    await expect(batching.run(async () => { await batching.put(blockKey, bytes('count 2')) })).rejects.toMatchObject({ code: 'ERR_STORAGE' })
    expect(store.get(blockKey)).toEqual(bytes('count 1'))
  })

  it('an abort before the commit keeps nothing; one during the commit does not cut it in two', async () => {
    const store = new RecordingDatastore()
    const batching = new PinBatchingDatastore(store)
    const early = new AbortController()
    await expect(batching.run(async () => {
      await batching.put(blockKey, bytes('count 1'))
      await batching.put(pinKey, bytes('pin'))
      early.abort()
    }, { signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(store.batches).toEqual([])

    const late = new AbortController()
    store.onCommit = () => { late.abort() }
    await batching.run(async () => {
      await batching.put(blockKey, bytes('count 1'))
      await batching.put(pinKey, bytes('pin'))
    }, { signal: late.signal })
    expect(late.signal.aborted).toBe(true)
    expect(store.get(blockKey)).toEqual(bytes('count 1'))
    expect(store.get(pinKey), 'the pin record is written after the blocks\' records, abort or not').toEqual(bytes('pin'))
  })

  it(`commits the block records of a DAG above ${MAX_HELD_BLOCK_RECORDS} blocks as they come, and the pin record last`, async () => {
    const store = new RecordingDatastore()
    const batching = new PinBatchingDatastore(store)
    const count = MAX_HELD_BLOCK_RECORDS + 10
    await batching.run(async () => {
      for (let i = 0; i < count; i++) await batching.put(new Key(`${PINNED_BLOCK_PREFIX}${i}`), bytes('count 1'))
      expect(store.batches.map(keys => keys.length), 'held no more than the bound').toEqual([MAX_HELD_BLOCK_RECORDS + 1])
      expect(await batching.get(new Key(`${PINNED_BLOCK_PREFIX}0`)), 'a committed record is read from the store').toEqual(bytes('count 1'))
      await batching.put(pinKey, bytes('pin'))
    })
    expect(store.batches.map(keys => keys.length)).toEqual([MAX_HELD_BLOCK_RECORDS + 1, count - MAX_HELD_BLOCK_RECORDS - 1, 1])
    expect(store.batches.at(-1)).toEqual([pinKey.toString()])
    expect(store.keysUnder(PINNED_BLOCK_PREFIX)).toHaveLength(count)
  })

  it('runs one batch at a time: a second run starts once the first has committed', async () => {
    const store = new RecordingDatastore()
    const batching = new PinBatchingDatastore(store)
    const order: string[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = batching.run(async () => {
      await batching.put(blockKey, bytes('first'))
      await gate
      order.push('first done')
    })
    const second = batching.run(async () => {
      order.push('second started')
      expect(store.get(blockKey), 'the first run committed before this one started').toEqual(bytes('first'))
    })
    await Promise.resolve()
    release()
    await Promise.all([first, second])
    expect(order).toEqual(['first done', 'second started'])
  })

  it('reads the records of blocks ahead, all at once, and answers the run\'s reads from them', async () => {
    const store = new RecordingDatastore()
    const leaves = await Promise.all([1, 2, 3].map(async seed => rawBlock(pseudoRandomBytes(16, seed))))
    const stored = leaves[1]?.cid
    if (stored === undefined) throw new Error('no leaf')
    store.put(pinnedBlockKey(stored), bytes('count 1'))
    const batching = new PinBatchingDatastore(store)
    batching.readAhead(leaves.map(leaf => leaf.cid)) // outside a run: nothing
    expect(store.gets).toEqual([])
    await batching.run(async () => {
      batching.readAhead(leaves.map(leaf => leaf.cid))
      expect(store.gets, 'every read started at once').toHaveLength(3)
      for (const leaf of leaves) {
        if (leaf.cid.equals(stored)) expect(await batching.get(pinnedBlockKey(leaf.cid))).toEqual(bytes('count 1'))
        else await expect(batching.get(pinnedBlockKey(leaf.cid))).rejects.toMatchObject({ name: 'NotFoundError' })
      }
      expect(store.gets, 'the reads came from the read ahead').toHaveLength(3)
    })
  })
})

/** A two-level dag-pb DAG: root → [left, right], each → two raw leaves. */
async function twoLevelDag (blockstore: MemoryBlockstore): Promise<{ root: CID, right: CID, all: CID[] }> {
  const leaves = await Promise.all([1, 2, 3, 4].map(async seed => rawBlock(pseudoRandomBytes(1024, seed))))
  const node = async (children: CID[]): Promise<CID> => {
    const encoded = dagPb.encode(dagPb.prepare({ Links: children.map((Hash, i) => ({ Hash, Name: `${i}`, Tsize: 1024 })) }))
    const cid = CID.createV1(dagPb.code, await sha256.digest(encoded))
    await blockstore.put(cid, encoded)
    return cid
  }
  for (const leaf of leaves) await blockstore.put(leaf.cid, leaf.bytes)
  const cids = leaves.map(leaf => leaf.cid) as [CID, CID, CID, CID]
  const left = await node([cids[0], cids[1]])
  const right = await node([cids[2], cids[3]])
  const root = await node([left, right])
  return { root, right, all: [root, left, right, ...cids] }
}

describe('pins through PinBatchingDatastore under a real Helia', () => {
  let helia: Helia | undefined
  afterEach(async () => { await helia?.stop(); helia = undefined })

  async function start (batched: boolean): Promise<{ service: IpfsService, store: RecordingDatastore, blockstore: MemoryBlockstore }> {
    const store = new RecordingDatastore()
    const blockstore = new MemoryBlockstore()
    const started = await startGuardedService(blockstore, batched ? new PinBatchingDatastore(store) : store)
    helia = started.helia
    return { service: started.service, store, blockstore }
  }

  it('writes the same records as Helia writing them one by one, in two batches, and an unpin removes them', async () => {
    const plain = await start(false)
    const dag = await twoLevelDag(plain.blockstore)
    await plain.service.pinAdd(dag.root, { name: 'plain' })
    const expected = plain.store.keysUnder('/pin')
    await helia?.stop()

    const batched = await start(true)
    await twoLevelDag(batched.blockstore)
    await batched.service.pinAdd(dag.root, { name: 'plain' })
    expect(batched.store.keysUnder('/pin')).toEqual(expected)
    expect(batched.store.keysUnder(PINNED_BLOCK_PREFIX)).toEqual(dag.all.map(cid => pinnedBlockKey(cid).toString()).sort())
    expect(batched.store.batches.map(keys => keys.length)).toEqual([dag.all.length, 1])
    expect(batched.store.puts.filter(key => key.startsWith('/pin')), 'no record written one by one').toEqual([])
    for (const cid of dag.all) expect(await helia?.pins.isPinned(cid)).toBe(true)
    expect((await batched.service.pinLs().next()).value).toMatchObject({ name: 'plain' })

    await batched.service.pinRm(dag.root)
    expect(batched.store.keysUnder('/pin')).toEqual([])
  })

  it('the pin that ends an add asks the store nothing about the leaves that add stored', async () => {
    const leafChecks = async (pin: boolean): Promise<number> => {
      const { service, blockstore } = await start(true)
      let checks = 0
      const has = blockstore.has.bind(blockstore)
      blockstore.has = async (cid, options) => {
        if (cid.code === 0x55) checks++
        return has(cid, options)
      }
      await service.add(pseudoRandomBytes(20 * 1024, 9), { chunker: { type: 'fixed', size: 1024 }, pin })
      if (pin) for await (const leaf of blockstore.getAll()) expect(await helia?.pins.isPinned(leaf.cid)).toBe(true)
      await helia?.stop()
      helia = undefined
      return checks
    }
    const addOnly = await leafChecks(false)
    expect(await leafChecks(true)).toBe(addOnly)
  })

  it('a pin that fails half way (a block of its DAG is missing) leaves no block counted as pinned', async () => {
    for (const batched of [false, true]) {
      const { service, store, blockstore } = await start(batched)
      const dag = await twoLevelDag(blockstore)
      await blockstore.delete(dag.right)
      await expect(service.pinAdd(dag.root, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
      if (batched) {
        expect(store.keysUnder(PINNED_BLOCK_PREFIX)).toEqual([])
        expect(store.keysUnder(PIN_PREFIX)).toEqual([])
      } else {
        // Helia writing them one by one leaves the records of the blocks it reached: the reason for the batch
        expect(store.keysUnder(PINNED_BLOCK_PREFIX).length).toBeGreaterThan(0)
        expect(store.keysUnder(PIN_PREFIX)).toEqual([])
      }
      await helia?.stop()
      helia = undefined
    }
  })
})
