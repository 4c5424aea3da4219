import { interfaceBlockstoreTests } from 'interface-blockstore-tests'
import { MemoryBlockstore, TieredBlockstore, VerifiedBlockstore } from '../../core/blocks/index.ts'

describe('MemoryBlockstore: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new MemoryBlockstore(), teardown: () => {} })
})

describe('VerifiedBlockstore over memory: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new VerifiedBlockstore(new MemoryBlockstore()), teardown: () => {} })
})

describe('TieredBlockstore (LRU over memory): interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: () => new TieredBlockstore(new MemoryBlockstore(), { cacheBytes: 4096 }), teardown: () => {} })
})
