import { interfaceBlockstoreTests } from 'interface-blockstore-tests'
import { MemoryBlockstore, TieredBlockstore, VerifiedBlockstore } from '../../core/blocks/index.ts'
import { WriteBehindBlockstore, type WriteBehindOptions } from '../../core/blocks/write-behind.ts'
import type { InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

describe('MemoryBlockstore: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new MemoryBlockstore(), teardown: () => {} })
})

describe('VerifiedBlockstore over memory: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new VerifiedBlockstore(new MemoryBlockstore()), teardown: () => {} })
})

describe('TieredBlockstore (LRU over memory): interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new TieredBlockstore(new MemoryBlockstore(), { cacheBytes: 4096 }), teardown: () => {} })
})

describe('WriteBehindBlockstore over memory: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new WriteBehindBlockstore(new MemoryBlockstore()), teardown: () => {} })
})

/** Every put written behind, to hold the store to the suite's read-your-writes expectations in that mode too. */
class AlwaysBehind extends WriteBehindBlockstore {
  override async put (cid: CID, bytes: InputPair['bytes'], options?: WriteBehindOptions): Promise<CID> {
    return super.put(cid, bytes, { ...options, writeBehind: true })
  }
}

describe('WriteBehindBlockstore, every put written behind: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new AlwaysBehind(new MemoryBlockstore()), teardown: () => {} })
})
