import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../core/events/bus.ts'
import { startLightPeer, waitFor } from './support.ts'
import type { LightPeer } from './support.ts'

async function cidOf (text: string): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(text))).toString()
}

const pinset = (peer: LightPeer): string[] => peer.cluster.state.pins().map(p => p.cid).sort()

describe('cluster: compacting the replicated state', () => {
  const peers: LightPeer[] = []
  afterAll(async () => { await Promise.all(peers.map(async p => p.stop().catch(() => {}))) })

  it('moves every peer into the compacted generation; a peer that was away brings back what it wrote alone', async () => {
    // pins allocated to a peer that never pins: this is about the replicated state, not fetching
    const elsewhere = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const options = { replicationMin: 1, replicationMax: 1, allocations: [elsewhere] }
    const a = await startLightPeer([])
    peers.push(a)
    const boot = a.libp2p.getMultiaddrs().map(String)
    const b = await startLightPeer(boot)
    peers.push(b)
    const cKey = await generateKeyPair('Ed25519')
    const cStore = new MemoryDatastore()
    let c = await startLightPeer(boot, {}, { privateKey: cKey, datastore: cStore })
    peers.push(c)

    const cids = await Promise.all(Array.from({ length: 300 }, async (_, i) => cidOf(`compaction ${i}`)))
    for (const cid of cids) await a.cluster.pin(cid, options)
    for (const cid of cids.slice(0, 280)) await a.cluster.unpin(cid)
    await waitFor(() => [b, c].every(p => p.cluster.state.pinCount === 20), 20_000, 'every peer holds the 20 pins left')

    // c goes away, restarts from its saved state alone and writes a pin nobody else hears of
    await c.stop()
    const gate = { closed: true }
    c = await startLightPeer([], {}, { privateKey: cKey, datastore: cStore, gate })
    peers.push(c)
    expect(c.cluster.state.pinCount).toBe(20)
    const alone = await cidOf('written alone')
    await c.cluster.pin(alone, options)

    const seen: Array<{ from: string, epoch: number }> = []
    b.events.subscribe(e => { if (e.type === 'cluster:epoch') seen.push({ from: e.from, epoch: e.epoch }) })
    const { epoch, beforeBytes, afterBytes } = await a.cluster.compact()
    expect(epoch).toBe(1)
    expect(afterBytes).toBeLessThan(beforeBytes / 2)
    await waitFor(() => b.cluster.state.epoch.n === 1, 20_000, 'b moved into generation 1')
    expect(seen).toEqual([{ from: a.cluster.peerId, epoch: 1 }])
    expect(pinset(b)).toEqual(pinset(a))

    // c comes back: it moves into generation 1 and writes its pin again, which reaches everyone
    gate.closed = false
    await c.libp2p.dial(boot.map(s => multiaddr(s)))
    await waitFor(() => c.cluster.state.epoch.n === 1, 20_000, 'c moved into generation 1')
    await waitFor(() => [a, b].every(p => p.cluster.state.pin(alone) !== undefined), 20_000, 'the pin c wrote alone reached a and b')
    await waitFor(() => pinset(a).length === 21 && pinset(b).join() === pinset(a).join() && pinset(c).join() === pinset(a).join(), 20_000, 'one pinset of 21 everywhere')

    // writes after the move travel as before
    const after = await cidOf('after the move')
    await b.cluster.pin(after, options)
    await waitFor(() => [a, c].every(p => p.cluster.state.pin(after) !== undefined), 20_000, 'a write of generation 1 reached every peer')
    // and a restart keeps the generation
    expect(a.cluster.state.encode().byteLength).toBeLessThan(beforeBytes / 2)
  }, 120_000)

  it('the leader compacts by itself once removed entries outnumber the live ones and the floor', async () => {
    const settings = { name: 'auto', compactIntervalMs: 300, compactMinTombstones: 100 }
    const events = new EventBus()
    const compacted: number[] = []
    events.subscribe(e => { if (e.type === 'cluster:epoch') compacted.push(e.epoch) })
    const a = await startLightPeer([], settings, { events })
    peers.push(a)
    const b = await startLightPeer(a.libp2p.getMultiaddrs().map(String), settings)
    peers.push(b)
    await waitFor(() => a.cluster.state.peer(b.cluster.peerId) !== undefined && b.cluster.state.peer(a.cluster.peerId) !== undefined, 20_000, 'the peers know each other')
    const elsewhere = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const cids = await Promise.all(Array.from({ length: 150 }, async (_, i) => cidOf(`auto ${i}`)))
    for (const cid of cids) await a.cluster.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [elsewhere] })
    for (const cid of cids.slice(0, 140)) await a.cluster.unpin(cid)
    await waitFor(() => a.cluster.state.epoch.n >= 1 && b.cluster.state.epoch.n === a.cluster.state.epoch.n, 30_000, 'both peers compacted', () => `${a.cluster.state.epoch.n} ${b.cluster.state.epoch.n}`)
    expect(compacted.length).toBeGreaterThan(0)
    expect(a.cluster.state.history().tombstones).toBeLessThan(100)
    await waitFor(() => pinset(a).length === 10 && pinset(b).join() === pinset(a).join(), 20_000, 'the same 10 pins on both')
  }, 90_000)
})
