import { expect } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { StorageError } from '../../core/errors/index.ts'
import { chunked, pseudoRandomBytes, rejection } from '../support/fixtures.ts'
import type { CID } from 'multiformats/cid'

/** A memory blockstore whose `put` fails from the `failAt`-th call on, and that remembers how many puts ran at once. */
class FlakyBlockstore extends MemoryBlockstore {
  puts = 0
  inFlight = 0
  maxInFlight = 0
  private readonly failAt: number

  constructor (failAt: number) {
    super()
    this.failAt = failAt
  }

  override async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    this.puts++
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await new Promise(resolve => setTimeout(resolve, 2))
      if (this.puts >= this.failAt) throw new StorageError('disk full')
      return await super.put(cid, bytes)
    } finally {
      this.inFlight--
    }
  }
}

describe('content: add writes leaves in a bounded pipeline', () => {
  it('keeps at most blockWriteConcurrency leaf writes in flight and stores every block before resolving', async () => {
    const blockstore = new FlakyBlockstore(Infinity)
    const content = createContentStore({ blockstore })
    const bytes = pseudoRandomBytes(20 * 65_536, 2)
    const { cid } = await content.add(chunked(bytes, 10_000), { chunker: { type: 'fixed', size: 65_536 }, blockWriteConcurrency: 3 })
    expect(blockstore.maxInFlight).toBeLessThanOrEqual(3)
    expect(blockstore.inFlight).toBe(0)
    expect(blockstore.puts).toBe(21) // 20 leaves and the root
    expect(await content.hasBlock(cid)).toBe(true)
  })

  it('fails the add with the store error when a leaf write fails, and leaves no write running', async () => {
    const blockstore = new FlakyBlockstore(5)
    const content = createContentStore({ blockstore })
    const err = await rejection(content.add(pseudoRandomBytes(20 * 65_536, 3), { chunker: { type: 'fixed', size: 65_536 }, blockWriteConcurrency: 4 }))
    expect(err.code).toBe('ERR_STORAGE')
    expect(blockstore.inFlight).toBe(0)
  })

  it('rejects a blockWriteConcurrency below 1 with ERR_INVALID_INPUT', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const err = await rejection(content.add(pseudoRandomBytes(10), { blockWriteConcurrency: 0 }))
    expect(err.code).toBe('ERR_INVALID_INPUT')
  })
})
