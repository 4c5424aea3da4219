import { MemoryBlockstore } from 'blockstore-core'
import { describe, expect, it } from 'vitest'
import { ContentStore } from '../../core/content/content-store.ts'
import { walkDag } from '../../core/content/dag-walk.ts'
import type { CID } from 'multiformats/cid'

/** A file of `leaves` distinct 1 KiB leaves under one root, in a memory blockstore. */
async function file (leaves: number): Promise<{ store: MemoryBlockstore, root: CID }> {
  const store = new MemoryBlockstore()
  const bytes = new Uint8Array(leaves * 1024)
  for (let i = 0; i < leaves; i++) bytes.fill(i % 251, i * 1024, (i + 1) * 1024)
  bytes[0] = 255
  const { cid } = await new ContentStore({ blockstore: store, maxBlockSize: 1024 }).add(bytes, { chunker: { type: 'fixed', size: 1024 } })
  return { store, root: cid }
}

/** A store whose reads take a few milliseconds each and count how many run at once. */
function slow (store: MemoryBlockstore): { get: MemoryBlockstore['get'], most: () => number, missing: Set<string> } {
  let now = 0
  let most = 0
  const missing = new Set<string>()
  return {
    missing,
    most: () => most,
    get: async function * (cid, options) {
      now++
      most = Math.max(most, now)
      try {
        await new Promise(resolve => setTimeout(resolve, 3))
        if (missing.has(cid.toString())) throw Object.assign(new Error(`${cid.toString()} not found`), { name: 'NotFoundError' })
        yield * store.get(cid, options)
      } finally {
        now--
      }
    }
  }
}

describe('walkDag', () => {
  it('yields the same blocks in the same order whatever it reads ahead, and reads that many at once', async () => {
    const { store, root } = await file(40)
    const one = slow(store)
    const serial = await Array.fromAsync(walkDag(one, root, { readAhead: 1 }))
    expect(one.most()).toBe(1)
    const eight = slow(store)
    const ahead = await Array.fromAsync(walkDag(eight, root, { readAhead: 8 }))
    expect(ahead.map(b => b.cid.toString())).toEqual(serial.map(b => b.cid.toString()))
    expect(ahead.length).toBe(41)
    expect(eight.most()).toBe(8)
  })

  it('fails at a missing block\'s turn: the blocks before it are yielded first', async () => {
    const { store, root } = await file(20)
    const order = (await Array.fromAsync(walkDag(store, root, { readAhead: 1 }))).map(b => b.cid.toString())
    const reader = slow(store)
    const gone = order[10] ?? ''
    reader.missing.add(gone)
    const got: string[] = []
    await expect((async () => {
      for await (const block of walkDag(reader, root, { readAhead: 8 })) got.push(block.cid.toString())
    })()).rejects.toThrow(/not found/)
    expect(got).toEqual(order.slice(0, 10))
  })
})
