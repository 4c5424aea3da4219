import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLUSTER_NOTE, followClusterPins } from '../../node-relay/search/index.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { ReplicatedPin } from '../../node-relay/search/index.ts'
import type { TestRelay } from '../relay/support.ts'

describe('search over the cluster\'s replicated pinset', () => {
  let relay: TestRelay
  beforeAll(async () => { relay = await startTestRelay() }, 60_000)
  afterAll(async () => { await relay.destroy() })

  it('indexes pins held elsewhere by their metadata, leaves content indexed here alone, drops pins that leave the pinset', async () => {
    const search = relay.search
    if (search === undefined) throw new Error('search is off')
    const remote = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    const local = await addBytes(relay.url, new TextEncoder().encode('quarterly report with revenue tables'), '?name=report.txt&pin=false')
    const pins: ReplicatedPin[] = [
      { cid: remote, name: 'dataset.parquet', tags: ['ml', 'shared'], metadata: { owner: 'alice' }, addedAt: 1_000 },
      { cid: local.cid, name: 'report.txt', tags: ['finance'], metadata: {}, addedAt: 2_000 }
    ]
    const stop = followClusterPins(search, { pins: () => pins }, { intervalMs: 50 })
    try {
      await search.idle()
      const hit = (await search.search({ query: 'dataset', filters: { tags: ['shared'] } })).hits[0]
      expect(hit).toMatchObject({ cid: remote, document: { textStatus: 'skipped', textNote: CLUSTER_NOTE, metadata: { owner: 'alice' } } })
      // content added here was indexed with its text by the normal path, and the cluster feed leaves it alone
      expect(search.index.get(local.cid)).toMatchObject({ textStatus: 'extracted' })

      pins.splice(0, 1)
      await new Promise(resolve => setTimeout(resolve, 150))
      await search.idle()
      expect(search.index.has(remote)).toBe(false)
      expect(search.index.has(local.cid)).toBe(true)
    } finally {
      stop()
    }
  })
})
