import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, describe, expect, it } from 'vitest'
import { ReplicatedState } from '../../core/cluster/replicated-state.ts'
import { ClusterSync } from '../../core/cluster/sync.ts'
import { EventBus } from '../../core/events/bus.ts'
import { SECRET, startLightPeer, waitFor } from './support.ts'
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

    expect(a.cluster.state.encode().byteLength).toBeGreaterThan(4 * 1024 * 1024)

    // the new peer's events, from its first moment: the first sync starts as soon as it connects
    const progress: Array<{ chunks: number, bytes: number, done: boolean }> = []
    const events = new EventBus()
    events.subscribe(e => { if (e.type === 'cluster:sync' && e.peerId === a.cluster.peerId) progress.push(e) })
    const b = await startLightPeer(a.libp2p.getMultiaddrs().map(String), {}, { events })
    peers.push(b)
    const ms = await waitFor(() => b.cluster.state.pinCount >= pins, 45_000, 'new peer synced every pin', () => b.cluster.state.pinCount)
    expect(b.cluster.state.pinCount).toBe(pins)
    console.info(`new peer synced ${pins} pins (> 4 MiB of state) in ${ms} ms, ${progress.at(-1)?.chunks ?? 0} chunks`)

    // it came in chunks of about 1 MiB, applied one by one, with progress and an end
    await waitFor(() => progress.some(p => p.done), 10_000, 'the sync reported its end')
    const first = progress.filter(p => !p.done)
    expect(first.length).toBeGreaterThan(4)
    for (let i = 1; i < first.length; i++) {
      const chunk = (first[i]?.bytes ?? 0) - (first[i - 1]?.bytes ?? 0)
      expect(chunk).toBeGreaterThan(0)
      expect(chunk).toBeLessThan(1.1 * 1024 * 1024)
    }
  }, 90_000)

  it('lets two peers that sync with each other at the same moment both finish', async () => {
    const a = await startLightPeer([])
    peers.push(a)
    const b = await startLightPeer(a.libp2p.getMultiaddrs().map(String), { name: 'other' })
    peers.push(b)
    await waitFor(() => a.libp2p.getConnections(b.libp2p.peerId).length > 0, 10_000, 'both sides hold the connection')
    // two syncs of cluster 'test' dialled both ways at once: one peer answers "busy", waits for the other's, then syncs
    const syncA = new ClusterSync({
      peerId: a.libp2p.peerId, privateKey: a.privateKey, libp2p: a.libp2p, pubsub: a.libp2p.services.pubsub, state: new ReplicatedState(),
      policy: { cluster: 'crossed', self: a.libp2p.peerId.toString(), trustedPeers: [], secret: SECRET }
    }, { topic: 'crossed-a', protocol: '/ipfs-kit/cluster/crossed/sync/2.0.0' })
    const syncB = new ClusterSync({
      peerId: b.libp2p.peerId, privateKey: b.privateKey, libp2p: b.libp2p, pubsub: b.libp2p.services.pubsub, state: new ReplicatedState(),
      policy: { cluster: 'crossed', self: b.libp2p.peerId.toString(), trustedPeers: [], secret: SECRET }
    }, { topic: 'crossed-b', protocol: '/ipfs-kit/cluster/crossed/sync/2.0.0' })
    const states = [syncA, syncB].map(s => (s as unknown as { components: { state: ReplicatedState } }).components.state)
    await Promise.all([syncA.start(), syncB.start()])
    try {
      for (const [i, state] of states.entries()) {
        for (let n = 0; n < 50; n++) {
          state.setPin({ cid: await cidOf(`crossed ${i} ${n}`), name: `${i}`, replicationMin: 1, replicationMax: 1, allocations: [], tags: [], metadata: {}, addedAt: Date.now(), addedBy: 'x' })
        }
      }
      await Promise.all([syncA.syncWith(b.libp2p.peerId), syncB.syncWith(a.libp2p.peerId)])
      await waitFor(() => states.every(s => s.pinCount === 100), 10_000, 'both peers hold every pin', () => states.map(s => s.pinCount).join(' '))
      // and neither is left marked busy (that would stop its automatic syncs with the other for good)
      await waitFor(() => !syncA.busyWith(b.libp2p.peerId.toString()) && !syncB.busyWith(a.libp2p.peerId.toString()), 10_000, 'no sync left under way')
    } finally {
      await Promise.all([syncA.stop(), syncB.stop()])
    }
  }, 60_000)

  it('still syncs both ways with a peer of an earlier version (the one-message protocol)', async () => {
    const current = await startLightPeer([])
    peers.push(current)
    // an older peer: its libp2p answers and dials only /sync/1.0.0 (the chunked handler is registered under a name
    // nobody dials), over a state of its own
    const old = await startLightPeer(current.libp2p.getMultiaddrs().map(String), { name: 'elsewhere' })
    peers.push(old)
    const oldState = new ReplicatedState()
    const oldSync = new ClusterSync({
      peerId: old.libp2p.peerId, privateKey: old.privateKey, libp2p: old.libp2p, pubsub: old.libp2p.services.pubsub, state: oldState,
      policy: { cluster: 'test', self: old.libp2p.peerId.toString(), trustedPeers: [], secret: SECRET }
    }, { topic: 'legacy-test-topic', protocol: '/ipfs-kit/cluster/test/sync/0.0.0-unused', legacyProtocol: '/ipfs-kit/cluster/test/sync/1.0.0' })
    await oldSync.start()
    // the dialled side registers the connection a moment after the dialler
    await waitFor(() => current.libp2p.getConnections(old.libp2p.peerId).length > 0, 10_000, 'both sides hold the connection')
    try {
      const legacy = [await cidOf('legacy 0'), await cidOf('legacy 1')]
      const cid = (i: number): string => legacy[i] ?? ''
      for (let i = 0; i < 3; i++) await current.cluster.pin(await cidOf(`current ${i}`), { replicationMin: 1, replicationMax: 1, allocations: [current.cluster.peerId] })
      oldState.setPin({ cid: cid(0), name: 'from the old peer', replicationMin: 1, replicationMax: 1, allocations: [], tags: [], metadata: {}, addedAt: Date.now(), addedBy: old.libp2p.peerId.toString() })

      // the current peer dials: /sync/2.0.0 is refused, it falls back to 1.0.0
      await current.cluster.syncWith(old.libp2p.peerId)
      // the answering side applies the dialler's last message after the dialler has closed the stream
      await waitFor(() => oldState.pinCount === 4, 10_000, 'the old peer holds every pin')
      expect(current.cluster.state.pin(cid(0))?.name).toBe('from the old peer')

      // the old peer dials: the current peer answers 1.0.0
      oldState.setPin({ cid: cid(1), name: 'second', replicationMin: 1, replicationMax: 1, allocations: [], tags: [], metadata: {}, addedAt: Date.now(), addedBy: old.libp2p.peerId.toString() })
      await current.cluster.pin(await cidOf('current 3'), { replicationMin: 1, replicationMax: 1, allocations: [current.cluster.peerId] })
      await oldSync.syncWith(current.libp2p.peerId)
      expect(oldState.pinCount).toBe(6)
      await waitFor(() => current.cluster.state.pin(cid(1)) !== undefined, 10_000, 'the current peer holds the old peer\'s new pin')
      expect(current.cluster.state.pin(cid(1))?.name).toBe('second')
    } finally {
      await oldSync.stop()
    }
  }, 60_000)
})

async function cidOf (text: string): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(text))).toString()
}

