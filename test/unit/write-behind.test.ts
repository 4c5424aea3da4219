/**
 * The store under a browser node: a block fetched from a peer reaches its reader before the disk write, and nothing
 * that decides by presence (a pin's walk) sees a block that is only in memory.
 */
import { MemoryBlockstore } from 'blockstore-core'
import { describe, expect, it } from 'vitest'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { WriteBehindBlockstore } from '../../core/blocks/write-behind.ts'
import { rawBlock } from '../support/fixtures.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** A backing store whose writes wait until the test lets them through (or fail them). */
class GatedStore extends MemoryBlockstore {
  private readonly gates: Array<{ open: () => void, fail: (err: Error) => void }> = []
  started = 0

  override async put (cid: CID, bytes: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    this.started++
    await new Promise<void>((resolve, reject) => { this.gates.push({ open: resolve, fail: reject }) })
    return super.put(cid, bytes, options)
  }

  /** Let the oldest waiting write through. */
  async open (): Promise<void> {
    this.gates.shift()?.open()
    await new Promise(resolve => setTimeout(resolve, 0))
  }

  async fail (err: Error): Promise<void> {
    this.gates.shift()?.fail(err)
    await new Promise(resolve => setTimeout(resolve, 0))
  }
}

async function blockOf (text: string): Promise<{ cid: CID, bytes: Uint8Array }> {
  return rawBlock(new TextEncoder().encode(text))
}

/** Whether `promise` has settled after the pending callbacks ran. */
async function settled (promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(() => { done = true }, () => { done = true })
  await new Promise(resolve => setTimeout(resolve, 0))
  return done
}

describe('WriteBehindBlockstore', () => {
  it('takes a fetched block at once, serves it from memory, and answers has() only once it is written', async () => {
    const backing = new GatedStore()
    const store = new WriteBehindBlockstore(backing)
    const block = await blockOf('fetched from a peer')

    expect(await settled(store.put(block.cid, block.bytes, { writeBehind: true })), 'put returns before the write').toBe(true)
    expect(backing.started).toBe(1)
    expect(await collectBlock(store.get(block.cid))).toEqual(block.bytes)
    expect(store.bytesPending).toBe(block.bytes.byteLength)

    const has = store.has(block.cid)
    expect(await settled(has), 'has() waits for the write').toBe(false)
    await backing.open()
    expect(await has).toBe(true)
    expect(await backing.has(block.cid)).toBe(true)
    expect(store.bytesPending).toBe(0)
  })

  it('waits for the write of every other put, and of a write behind once the pending bytes are spent', async () => {
    const backing = new GatedStore()
    const store = new WriteBehindBlockstore(backing, { maxPendingBytes: 10 })
    const added = await blockOf('added, not fetched')
    const plain = store.put(added.cid, added.bytes)
    expect(await settled(plain)).toBe(false)
    await backing.open()
    await plain

    const big = await blockOf('more than ten bytes, fetched')
    const behind = store.put(big.cid, big.bytes, { writeBehind: true })
    expect(await settled(behind), 'over the budget it waits').toBe(false)
    await backing.open()
    await behind
    expect(store.bytesPending).toBe(0)
  })

  it('drops a block whose write failed and tells onError: it is absent, so it is fetched again', async () => {
    const backing = new GatedStore()
    const failures: string[] = []
    const store = new WriteBehindBlockstore(backing, { onError: (err, cid) => { failures.push(`${cid.toString()}: ${(err as Error).message}`) } })
    const block = await blockOf('the disk is full')
    await store.put(block.cid, block.bytes, { writeBehind: true })
    const has = store.has(block.cid)
    await backing.fail(new Error('QuotaExceededError'))
    expect(await has).toBe(false)
    expect(failures).toEqual([`${block.cid.toString()}: QuotaExceededError`])
    await expect(collectBlock(store.get(block.cid))).rejects.toMatchObject({ name: 'NotFoundError' })
  })

  it('deletes a block written behind only after its write, so the delete wins; flush waits for every write', async () => {
    const backing = new GatedStore()
    const store = new WriteBehindBlockstore(backing)
    const [a, b] = await Promise.all([blockOf('a'), blockOf('b')])
    await store.put(a.cid, a.bytes, { writeBehind: true })
    await store.put(b.cid, b.bytes, { writeBehind: true })
    const flushed = store.flush()
    const deleted = store.delete(a.cid)
    expect(await settled(flushed)).toBe(false)
    await backing.open()
    await deleted
    expect(await store.has(a.cid)).toBe(false)
    expect(await settled(flushed)).toBe(false)
    await backing.open()
    await flushed
    expect(await backing.has(b.cid)).toBe(true)
  })
})
