import { afterAll, describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { startLightPeer, waitFor } from './support.ts'
import type { LightPeer } from './support.ts'
import type { NodeEvent } from '../../core/events/bus.ts'

const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_B = 'bafkreidjq6c5e2wdrlvwh6zhfcmnbqcrw5pi5vstl2hhbq7gctvnm2q3yq'

describe('cluster: membership, signed writes, persistence', () => {
  const peers: LightPeer[] = []
  afterAll(async () => { await Promise.all(peers.map(async p => p.stop().catch(() => {}))) })

  it('ignores (and reports) updates from a writer outside the trusted set; a read-only follower reads the pinset', async () => {
    const a = await startLightPeer([], { name: 'm1' })
    const addr = a.libp2p.getMultiaddrs().map(String)
    const b = await startLightPeer(addr, { name: 'm1' })
    // a writer with the wrong secret: signs its updates correctly, but cannot prove membership
    const intruder = await startLightPeer(addr, { name: 'm1', secret: 'not-the-cluster-secret-at-all' })
    // a follower: no secret, trusts the two members by peer id, cannot write
    const follower = await startLightPeer(addr, { name: 'm1', secret: undefined, trustedPeers: [a.cluster.peerId, b.cluster.peerId] })
    peers.push(a, b, intruder, follower)
    const rejected: NodeEvent[] = []
    a.events.subscribe(e => { if (e.type === 'cluster:rejected') rejected.push(e) })

    await a.cluster.pin(CID_A, { replicationMin: 1, replicationMax: 1, allocations: [b.cluster.peerId] })
    await intruder.cluster.pin(CID_B, { replicationMin: 1 })
    await waitFor(() => follower.cluster.state.pin(CID_A) !== undefined && b.cluster.state.pin(CID_A) !== undefined, 10_000, 'pinset reaches the member and the follower')
    expect(follower.cluster.writer).toBe(false)
    await expect(follower.cluster.pin(CID_B)).rejects.toMatchObject({ code: 'ERR_CLUSTER_READ_ONLY' })
    await waitFor(() => rejected.length > 0, 10_000, 'a rejected update')
    expect(rejected[0]).toMatchObject({ peerId: intruder.cluster.peerId, reason: 'untrusted' })
    // nothing the intruder wrote (its pin, its metrics) reaches the members or the follower, even after a full sync
    await a.cluster.syncWith(intruder.libp2p.peerId)
    await intruder.cluster.syncWith(a.libp2p.peerId)
    for (const peer of [a, b, follower]) {
      expect(peer.cluster.state.pin(CID_B)).toBeUndefined()
      expect(peer.cluster.state.peer(intruder.cluster.peerId)).toBeUndefined()
    }
  }, 40_000)

  it('a peer with neither the secret nor a place in the trusted list cannot write', async () => {
    const follower = await startLightPeer([], { name: 'm2', secret: undefined, trustedPeers: ['12D3KooWLa5HDVMz2RbaXAb2sEu6fQmxQDm8sbCwDxVWK6tsDQ8r'] })
    peers.push(follower)
    expect(follower.cluster.writer).toBe(false)
    await expect(follower.cluster.pin(CID_A)).rejects.toMatchObject({ code: 'ERR_CLUSTER_READ_ONLY' })
  })

  it('keeps its state across a restart without any peer to resync from', async () => {
    const datastore = new MemoryDatastore()
    const first = await startLightPeer([], { name: 'm3' }, { datastore })
    await first.cluster.pin(CID_A, { name: 'kept', replicationMin: 1 })
    await first.stop()
    const again = await startLightPeer([], { name: 'm3' }, { datastore, privateKey: first.privateKey })
    peers.push(again)
    expect(again.cluster.state.pin(CID_A)).toMatchObject({ name: 'kept', allocations: [first.cluster.peerId] })
    // (the memory blockstore did not survive, so the tracker refetches: with no peer it ends in error, not pinning)
    await waitFor(() => again.cluster.status(CID_A).peers[again.cluster.peerId]?.state === 'error', 15_000, 'error after restart')
  }, 30_000)

  it('rejects malformed pin requests with typed errors', async () => {
    const peer = peers.at(-1) as LightPeer
    await expect(peer.cluster.pin('not-a-cid')).rejects.toMatchObject({ code: 'ERR_INVALID_CID' })
    await expect(peer.cluster.pin(CID_A, { replicationMin: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(peer.cluster.pin(CID_A, { replicationMin: 3, replicationMax: 2 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(peer.cluster.pin(CID_A, { allocations: ['nope'] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(peer.cluster.unpin(CID_B)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
  })
})
