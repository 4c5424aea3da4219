/**
 * The `writeBehind` hint travels from `NetworkBlockstore` through Helia's own `Storage.get` to the store's `put`: a
 * real Helia, a block broker that answers from memory, and a backing store whose writes wait for the test. If Helia
 * stopped handing the get's options to `put`, the read would wait for the write again and this test would time out.
 */
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { describe, expect, it } from 'vitest'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { WriteBehindBlockstore } from '../../core/blocks/write-behind.ts'
import { createContentStore } from '../../core/content/index.ts'
import type { RewriteOptions } from '../../core/blocks/put-options.ts'
import { rawBlock } from '../support/fixtures.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Writes wait until `open()`. */
class GatedStore extends MemoryBlockstore {
  private release: () => void = () => {}
  private readonly gate = new Promise<void>(resolve => { this.release = resolve })
  override async put (cid: CID, bytes: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    await this.gate
    return super.put(cid, bytes, options)
  }

  open (): void { this.release() }
}

describe('write-behind through Helia', () => {
  it('a block fetched through Helia reaches its reader before the store has written it', async () => {
    const block = await rawBlock(new TextEncoder().encode('fetched through a real Helia'))
    const backing = new GatedStore()
    const store = new WriteBehindBlockstore(backing)
    const broker = { name: 'memory', retrieve: async (cid: CID) => { if (!cid.equals(block.cid)) throw new Error('unknown'); return block.bytes } }
    const helia = createHeliaLight({ blockstore: store, datastore: new MemoryDatastore(), blockBrokers: [broker] })
    await helia.start()
    try {
      const network = new NetworkBlockstore({ local: store, network: helia.blockstore, peerCount: () => 1, fetchTimeoutMs: 5_000 })
      expect(await collectBlock(network.get(block.cid))).toEqual(block.bytes)
      expect(store.bytesPending, 'still being written').toBe(block.bytes.byteLength)
      expect(await backing.has(block.cid)).toBe(false)
      backing.open()
      await store.flush()
      expect(await backing.has(block.cid)).toBe(true)
    } finally {
      backing.open()
      await helia.stop()
    }
  }, 10_000)

  it('an add hands mayRewrite through Helia\'s put to the duplicate check of the store underneath, and nothing else does', async () => {
    const hints: Array<boolean | undefined> = []
    class RecordingStore extends MemoryBlockstore {
      override async has (cid: CID, options?: RewriteOptions): Promise<boolean> {
        hints.push(options?.mayRewrite)
        return super.has(cid, options)
      }
    }
    const store = new WriteBehindBlockstore(new RecordingStore())
    const helia = createHeliaLight({ blockstore: store, datastore: new MemoryDatastore(), blockBrokers: [] })
    await helia.start()
    try {
      const network = new NetworkBlockstore({ local: store, network: helia.blockstore, peerCount: () => 0, fetchTimeoutMs: 5_000 })
      const { cid } = await createContentStore({ blockstore: network }).add(new Uint8Array(3 * 1024 * 1024).fill(9), { chunker: { type: 'fixed', size: 1024 * 1024 } })
      // three leaves (all alike) and the root: Helia checks each put
      expect(hints.length).toBeGreaterThanOrEqual(3)
      expect(hints.every(hint => hint === true)).toBe(true)
      hints.length = 0
      expect(await network.has(cid)).toBe(true)
      expect(hints).toEqual([undefined])
    } finally {
      await helia.stop()
    }
  })
})
