import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIpfsBackend } from '../../core/storage/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { StorageBackend } from '../../core/storage/index.ts'
import type { TestRelay } from '../relay/support.ts'
import { CID } from 'multiformats/cid'

describe('IPFS network backend', () => {
  let a: TestRelay
  let b: TestRelay
  let backend: StorageBackend

  beforeAll(async () => {
    a = await startTestRelay()
    b = await startTestRelay()
    backend = createIpfsBackend({
      name: 'ipfs', local: b.node.blockstore, network: b.node.helia.blockstore, peerCount: () => b.node.libp2p.getConnections().length, fetchTimeoutMs: 5_000
    })
  })
  afterAll(async () => {
    await b.destroy()
    await a.destroy()
  })

  it('is unhealthy with no peer, healthy once one is connected', async () => {
    const lonely = await backend.status()
    expect(lonely.healthy).toBe(false)
    expect(lonely.error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
    const tcp = a.node.libp2p.getMultiaddrs().find(addr => !addr.toString().includes('/ws'))
    if (tcp === undefined) throw new Error('relay A has no TCP address')
    await b.node.libp2p.dial(tcp)
    expect((await backend.status()).healthy).toBe(true)
  })

  it('fetches a DAG only another peer holds over bitswap, every block verified', async () => {
    const { cid } = await addBytes(a.url, pseudoRandomBytes(1_500_000, 5))
    const root = CID.parse(cid)
    expect(await b.node.blockstore.has(root)).toBe(false)
    let bytes = 0
    for await (const block of backend.get(root)) bytes += block.bytes.byteLength
    expect(bytes).toBeGreaterThan(1_500_000)
    expect(await backend.has(root)).toBe(true)
  })
})
