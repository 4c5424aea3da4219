/**
 * NetworkBlockstore's direct path (the browser's block stream to its WebRTC peers): asked before bitswap; what it
 * returns is stored as a fetched block (written behind, without waiting for a duplicate check) and counted; when it
 * has nothing, bitswap is asked as before. BlockStream itself is tested between real nodes in block-stream.test.ts.
 */
import { MemoryBlockstore } from 'blockstore-core'
import { describe, expect, it } from 'vitest'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { pseudoRandomBytes, rawBlock } from '../support/fixtures.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { WriteBehindOptions } from '../../core/blocks/write-behind.ts'
import type { InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Helia's networked store as NetworkBlockstore sees it: records the options of each put, counts the gets. */
class RecordingNetwork extends MemoryBlockstore {
  readonly putOptions: WriteBehindOptions[] = []
  gets = 0
  override async put (cid: CID, bytes: InputPair['bytes'], options?: WriteBehindOptions): Promise<CID> {
    this.putOptions.push({ ...options })
    return super.put(cid, bytes, options)
  }

  override async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    this.gets++
    yield * super.get(cid, options)
  }
}

function storeWith (network: RecordingNetwork, direct: NonNullable<ConstructorParameters<typeof NetworkBlockstore>[0]['direct']>): NetworkBlockstore {
  return new NetworkBlockstore({ local: new MemoryBlockstore(), network, direct, peerCount: () => 1, fetchTimeoutMs: 5000 })
}

describe('NetworkBlockstore, direct peers first', () => {
  it('serves what a direct peer sends, stores it written behind without a duplicate check, and never asks bitswap', async () => {
    const block = await rawBlock(pseudoRandomBytes(1000, 1))
    const network = new RecordingNetwork()
    const store = storeWith(network, { get: async () => block.bytes })

    expect(await collectBlock(store.get(block.cid))).toEqual(block.bytes)

    expect(network.gets).toBe(0)
    expect(network.putOptions).toEqual([expect.objectContaining({ writeBehind: true, mayRewrite: true })])
    expect(store.fetched).toEqual({ fromPeers: 1, fromDirect: 1, fromFallback: 0 })
  })

  it('asks bitswap when no direct peer has the block', async () => {
    const block = await rawBlock(pseudoRandomBytes(1000, 2))
    const network = new RecordingNetwork()
    await network.put(block.cid, block.bytes)
    let asked = 0
    const store = storeWith(network, { get: async () => { asked++; return undefined } })

    expect(await collectBlock(store.get(block.cid))).toEqual(block.bytes)

    expect(asked).toBe(1)
    expect(network.gets).toBe(1)
    expect(store.fetched).toEqual({ fromPeers: 1, fromDirect: 0, fromFallback: 0 })
  })

  it('stops when the reader gives up while direct peers are asked', async () => {
    const block = await rawBlock(pseudoRandomBytes(1000, 3))
    const network = new RecordingNetwork()
    let asking: () => void = () => {}
    const asked = new Promise<void>(resolve => { asking = resolve })
    const store = storeWith(network, {
      get: async (_cid, options) => new Promise((_resolve, reject) => {
        options?.signal?.addEventListener('abort', () => { reject(new Error('the reader left')) }, { once: true })
        asking()
      })
    })
    const controller = new AbortController()
    const reading = collectBlock(store.get(block.cid, { signal: controller.signal }))
    await asked

    controller.abort()

    await expect(reading).rejects.toThrow('the reader left')
    expect(network.gets).toBe(0)
  })
})
