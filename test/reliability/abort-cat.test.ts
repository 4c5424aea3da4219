import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MIB = 1024 * 1024

describe('a client that goes away stops the work behind its request', () => {
  let relay: TestRelay
  let cid: string
  let reads = 0
  beforeAll(async () => {
    relay = await startTestRelay({ 'blocks.cacheBytes': 0 })
    const bytes = new Uint8Array(64 * MIB).map((_, i) => (i * 7) & 0xff)
    cid = (await (await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })).json() as { cid: string }).cid
    // count the leaf reads the exporter makes from the relay's store (observing, not replacing, its get)
    const store = relay.node.fsBlockstore
    const get = store.get.bind(store)
    store.get = (...args: Parameters<typeof get>) => { reads++; return get(...args) }
  })
  afterAll(async () => { await relay?.destroy() })

  for (const path of ['/api/v1/cat/CID', '/ipfs/CID', '/api/v1/car/CID']) {
    it(`${path.replace('CID', '{cid}')}: the exporter stops soon after the client aborts`, async () => {
      reads = 0
      const controller = new AbortController()
      const res = await fetch(`${relay.url}${path.replace('CID', cid)}`, { signal: controller.signal })
      const reader = res.body?.getReader()
      await reader?.read()
      controller.abort()
      await reader?.cancel().catch(() => {})
      // wait until the reads stop (or 15 s): a reader that kept going would read all 64 one-MiB leaves
      let last = -1
      for (let i = 0; i < 50 && reads !== last; i++) {
        last = reads
        await new Promise(resolve => setTimeout(resolve, 300))
      }
      expect(reads).toBeLessThan(40) // the blocks in flight and read ahead when the client left, not the whole file
    })
  }
})
