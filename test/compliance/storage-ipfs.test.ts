import { afterAll, beforeAll, describe } from 'vitest'
import { createIpfsBackend } from '../../core/storage/index.ts'
import { startTestRelay } from '../relay/support.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { TestRelay } from '../relay/support.ts'

describe('IPFS network backend (Helia bitswap between two real relays): storage backend compliance', () => {
  let a: TestRelay
  let b: TestRelay

  beforeAll(async () => {
    a = await startTestRelay()
    b = await startTestRelay()
    const tcp = a.node.libp2p.getMultiaddrs().find(addr => !addr.toString().includes('/ws'))
    if (tcp === undefined) throw new Error('relay A has no TCP address')
    await b.node.libp2p.dial(tcp)
  })
  afterAll(async () => {
    await b.destroy()
    await a.destroy()
  })

  storageBackendTests({
    setup: async () => ({
      backend: createIpfsBackend({
        name: 'ipfs',
        local: b.node.blockstore,
        network: b.node.helia.blockstore,
        peerCount: () => b.node.libp2p.getConnections().length,
        fetchTimeoutMs: 1_500
      }),
      corrupt: async (root) => {
        // straight into B's files, under the LRU (which only caches reads)
        const chunks: Uint8Array[] = []
        for await (const chunk of b.node.fsBlockstore.get(root)) chunks.push(chunk)
        const bytes = Uint8Array.from(Buffer.concat(chunks))
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff
        await b.node.fsBlockstore.put(root, bytes)
      }
    }),
    teardown: async () => {}
  })
})
