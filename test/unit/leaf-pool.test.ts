/**
 * Leaf buffer reuse (`core/content/leaf-pool.ts`, `ContentStoreInit.reuseLeafBuffers`): an add over a blockstore
 * that copies at put reuses leaf buffers, every stored block still hashes to its CID, the file reads back whole,
 * and bytes the caller handed in are never overwritten.
 */
import { MemoryBlockstore } from 'blockstore-core/memory'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LeafBufferPool } from '../../core/content/leaf-pool.ts'
import { createContentStore, hashLeafHere, type LeafHasher } from '../../core/content/index.ts'
import { collect } from '../support/fixtures.ts'
import type { CID } from 'multiformats/cid'

const CHUNK = 4096

/** A blockstore that copies each block at put, as the fs and IndexedDB stores do, and notes the buffers it saw. */
class CopyingBlockstore extends MemoryBlockstore {
  readonly seen = new Set<ArrayBufferLike>()
  /** The bytes each put stored (copied at put). */
  readonly stored: Array<{ cid: CID, bytes: Uint8Array }> = []
  puts = 0

  override async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    this.seen.add(bytes.buffer)
    this.puts++
    const copy = bytes.slice()
    this.stored.push({ cid, bytes: copy })
    return super.put(cid, copy)
  }
}

function sample (length: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + seed) % 251
  return bytes
}

async function * pieces (bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.slice(offset, offset + size)
}

describe('leaf buffer reuse', () => {
  it('reuses leaf buffers, and every block still matches its CID and the file reads back', async () => {
    const blockstore = new CopyingBlockstore()
    const content = createContentStore({ blockstore, reuseLeafBuffers: true })
    const bytes = sample(CHUNK * 200 + 123, 7)
    const { cid } = await content.add(pieces(bytes, 1000), { chunker: { type: 'fixed', size: CHUNK } })
    expect(blockstore.puts).toBeGreaterThan(200)
    // 201 leaves went through far fewer buffers: the writer handed them back to the chunker
    expect(blockstore.seen.size).toBeLessThan(60)
    for (const { cid: blockCid, bytes: block } of blockstore.stored) {
      expect((await sha256.digest(block)).bytes).toEqual(blockCid.multihash.bytes)
    }
    expect(await collect(content.cat(cid))).toEqual(bytes)
    // the same bytes added without reuse build the same DAG
    const plain = createContentStore({ blockstore: new MemoryBlockstore() })
    expect((await plain.add(pieces(bytes, 1000), { chunker: { type: 'fixed', size: CHUNK } })).cid.toString()).toBe(cid.toString())
  })

  it('never reuses the caller\'s own chunk-sized pieces', async () => {
    const content = createContentStore({ blockstore: new CopyingBlockstore(), reuseLeafBuffers: true })
    const mine = Array.from({ length: 30 }, (_, i) => sample(CHUNK, i))
    const copies = mine.map(piece => piece.slice())
    await content.add((async function * () { yield * mine })(), { chunker: { type: 'fixed', size: CHUNK } })
    expect(mine).toEqual(copies)
  })

  it('the pool takes back only what it made, at most its limit', () => {
    const pool = new LeafBufferPool(16, 2)
    const a = pool.take()
    const b = pool.take()
    const c = pool.take()
    pool.give(new Uint8Array(16))
    pool.give(a.subarray(1))
    expect(pool.take()).not.toBe(a)
    pool.give(a)
    pool.give(a)
    pool.give(b)
    pool.give(c)
    const again = [pool.take(), pool.take(), pool.take()]
    expect(again).toContain(a)
    expect(again).toContain(b)
    expect(again).not.toContain(c)
  })
})

describe('leaf buffers moved by the leaf hasher (as to a hashing worker and back)', () => {
  /** Moves each movable leaf's memory to a new array, as a transfer to a worker and back does. */
  function movingHasher (): { hasher: LeafHasher, moved: () => number, refused: () => number } {
    let moved = 0
    let refused = 0
    const hasher: LeafHasher = async (bytes, options) => {
      if (!options.movable) { refused++; return await hashLeafHere(bytes, options) }
      moved++
      const back = structuredClone(bytes, { transfer: [bytes.buffer as ArrayBuffer] })
      return { multihash: await sha256.digest(back), bytes: back }
    }
    return { hasher, moved: () => moved, refused: () => refused }
  }

  it('takes a moved buffer back (adopt), and only buffers it made', () => {
    const pool = new LeafBufferPool(CHUNK, 4)
    const made = pool.take()
    const moved = structuredClone(made, { transfer: [made.buffer as ArrayBuffer] })
    expect(made.byteLength).toBe(0) // detached, as after a postMessage transfer
    pool.adopt(made, moved)
    pool.give(moved)
    expect(pool.take()).toBe(moved)
    const foreign = new Uint8Array(CHUNK)
    pool.adopt(new Uint8Array(CHUNK), foreign)
    expect(pool.owns(foreign)).toBe(false)
  })

  it('adds the same DAG, moves only leaves the add made, and never the caller\'s own whole-leaf array', async () => {
    const { hasher, moved, refused } = movingHasher()
    const blockstore = new CopyingBlockstore()
    const bytes = sample(CHUNK * 40 + 17, 3)
    const expected = await createContentStore({ blockstore: new MemoryBlockstore() }).add(bytes, { chunker: { type: 'fixed', size: CHUNK } })
    const { cid } = await createContentStore({ blockstore, reuseLeafBuffers: true, leafHasher: hasher }).add(pieces(bytes, 1000), { chunker: { type: 'fixed', size: CHUNK } })
    expect(cid.toString()).toBe(expected.cid.toString())
    expect(moved()).toBe(40)
    for (const { cid, bytes } of blockstore.stored) expect((await sha256.digest(bytes)).bytes).toEqual(cid.multihash.bytes)
    // a whole-leaf input is the caller's array, passed through uncopied: it must not move
    const own = sample(CHUNK, 9)
    await createContentStore({ blockstore, reuseLeafBuffers: true, leafHasher: hasher }).add(own, { chunker: { type: 'fixed', size: CHUNK } })
    expect(refused()).toBeGreaterThan(1)
    expect(own.byteLength).toBe(CHUNK)
  })

  describe('a Blob read straight into leaf buffers', () => {
    afterEach(() => { vi.restoreAllMocks() })

    it.each([
      ['whole leaves', CHUNK * 40],
      ['a short last leaf', CHUNK * 40 + 123],
      ['less than a leaf', 100],
      ['nothing', 0]
    ])('gives the CID of the same bytes for %s, stores blocks that match their CIDs, and reads back', async (_, length) => {
      const adopt = vi.spyOn(LeafBufferPool.prototype, 'adopt')
      const blockstore = new CopyingBlockstore()
      const content = createContentStore({ blockstore, reuseLeafBuffers: true })
      const bytes = sample(length, 11)
      const options = { chunker: { type: 'fixed', size: CHUNK } } as const
      const { cid } = await content.add(new Blob([bytes]), options)

      const plain = createContentStore({ blockstore: new MemoryBlockstore() })
      expect((await plain.add(bytes, options)).cid.toString()).toBe(cid.toString())
      for (const { cid: blockCid, bytes: block } of blockstore.stored) {
        expect((await sha256.digest(block)).bytes).toEqual(blockCid.multihash.bytes)
      }
      expect(await collect(content.cat(cid))).toEqual(bytes)
      // each read moved a leaf buffer (a byte stream's read transfers it) and the pool took it back
      if (length > 0) expect(adopt.mock.calls.length).toBeGreaterThanOrEqual(Math.ceil(length / CHUNK))
    })

    it('reads into a reused leaf buffer without the bytes of an earlier leaf leaking into a later one', async () => {
      const blockstore = new CopyingBlockstore()
      const bytes = sample(CHUNK * 100 + 7, 13)
      const { cid } = await createContentStore({ blockstore, reuseLeafBuffers: true }).add(new Blob([bytes]), { chunker: { type: 'fixed', size: CHUNK }, blockWriteConcurrency: 2 })
      const plain = await createContentStore({ blockstore: new MemoryBlockstore() }).add(bytes, { chunker: { type: 'fixed', size: CHUNK } })
      expect(cid.toString()).toBe(plain.cid.toString())
    })
  })
})
