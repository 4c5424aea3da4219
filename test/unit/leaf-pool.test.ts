/**
 * Leaf buffer reuse (`core/content/leaf-pool.ts`, `ContentStoreInit.reuseLeafBuffers`): an add over a blockstore
 * that copies at put reuses leaf buffers, every stored block still hashes to its CID, the file reads back whole,
 * and bytes the caller handed in are never overwritten.
 */
import { MemoryBlockstore } from 'blockstore-core/memory'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { LeafBufferPool } from '../../core/content/leaf-pool.ts'
import { createContentStore } from '../../core/content/index.ts'
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

function sample (length: number, seed: number): Uint8Array {
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
