import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, describe, expect, it } from 'vitest'
import { startLightPeer, waitFor } from './support.ts'
import type { LightPeer } from './support.ts'

describe('cluster: initial sync of a large pinset', () => {
  const peers: LightPeer[] = []
  afterAll(async () => { await Promise.all(peers.map(async p => p.stop().catch(() => {}))) })

  it('brings a new peer a state larger than 4 MiB in one exchange', async () => {
    // libp2p's byte stream overflows its read buffer at 4 MiB unless told otherwise: a new peer then never synced a
    // pinset of ~12k pins or more (found by the cluster bench at 20k and 100k pins)
    const a = await startLightPeer([])
    peers.push(a)
    const pins = 2_500
    const note = 'x'.repeat(2_000)
    for (let i = 0; i < pins; i++) {
      const cid = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`large sync ${i}`)))
      await a.cluster.pin(cid.toString(), { replicationMin: 1, replicationMax: 1, allocations: [a.cluster.peerId], metadata: { note } })
    }
    expect(a.cluster.state.pinCount).toBe(pins)

    const b = await startLightPeer(a.libp2p.getMultiaddrs().map(String))
    peers.push(b)
    const ms = await waitFor(() => b.cluster.state.pinCount >= pins, 45_000, 'new peer synced every pin', () => b.cluster.state.pinCount)
    expect(b.cluster.state.pinCount).toBe(pins)
    console.info(`new peer synced ${pins} pins (> 4 MiB of state) in ${ms} ms`)
  }, 90_000)
})
