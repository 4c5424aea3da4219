import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CID } from 'multiformats/cid'
import { addBytes } from '../relay/support.ts'
import { destroyRelay, randomBytes, startLightPeer, startRelays, tcpAddrs, waitFor } from './support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { LightPeer } from './support.ts'
import type { Cluster } from '../../core/cluster/index.ts'

/** 3 real relays + 4 light in-process peers (real libp2p + Helia) in one cluster. */
describe('cluster: replication, repair, holding checks', () => {
  let relays: TestRelay[] = []
  let lights: LightPeer[] = []
  const clusters = (): Cluster[] => [...relays.flatMap(r => r.cluster === undefined ? [] : [r.cluster]), ...lights.map(l => l.cluster)]
  const pinnedOn = (cid: string): string[] => {
    const status = relays[0]?.cluster?.status(cid)
    return Object.entries(status?.peers ?? {}).filter(([, s]) => s.state === 'pinned').map(([p]) => p)
  }

  beforeAll(async () => {
    relays = await startRelays(3)
    const boot = tcpAddrs(relays[0] as TestRelay)
    lights = await Promise.all([0, 1, 2].map(async () => startLightPeer(boot)))
    const total = relays.length + lights.length
    const ms = await waitFor(() => clusters().every(c => c.peers().filter(p => p.live).length === total), 30_000, 'every peer sees every peer', () => clusters().map(c => c.peers().map(p => `${p.peerId.slice(-4)}:${p.live}:${p.silentMs}`)))
    console.log(`membership of ${total} peers converged in ${ms} ms`)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(lights.map(async l => l.stop()))
    await Promise.all(relays.map(async r => destroyRelay(r)))
  }, 30_000)

  it('pins reach their replication factor, on relays first', async () => {
    const relay = relays[0] as TestRelay
    const cluster = relay.cluster as Cluster
    const { cid } = await addBytes(relay.url, randomBytes(300_000), '?pin=false')
    const start = Date.now()
    const pin = await cluster.pin(cid, { name: 'r2', replicationMin: 2, replicationMax: 2 })
    expect(pin.allocations).toHaveLength(2)
    const relayIds = relays.map(r => r.node.libp2p.peerId.toString())
    expect(pin.allocations.every(p => relayIds.includes(p))).toBe(true)
    await waitFor(() => pinnedOn(cid).length === 2, 15_000, 'two pinned copies', () => relays[0]?.cluster?.status(cid).peers)
    console.log(`pin → 2 pinned copies in ${Date.now() - start} ms`)
    // every peer converges on the same view
    await waitFor(() => clusters().every(c => c.status(cid).pinnedCount === 2), 10_000, 'all peers agree')
    expect(cluster.status(cid).health).toBe('ok')
  }, 30_000)

  it('concurrent pins from different peers converge to one pinset', async () => {
    const relay = relays[0] as TestRelay
    const cids = await Promise.all([0, 1, 2].map(async () => (await addBytes(relay.url, randomBytes(10_000), '?pin=false')).cid))
    await Promise.all(lights.map(async (l, i) => l.cluster.pin(cids[i] as string, { replicationMin: 1, replicationMax: 3 })))
    const ms = await waitFor(() => clusters().every(c => cids.every(cid => c.state.pin(cid) !== undefined)), 10_000, 'pinset convergence')
    console.log(`3 concurrent pins from 3 peers converged on 6 peers in ${ms} ms`)
    await waitFor(() => cids.every(cid => pinnedOn(cid).length === 3), 20_000, 'three copies each')
  }, 40_000)

  it('a killed peer loses its allocations; repair restores replicationMin', async () => {
    const relay = relays[0] as TestRelay
    const victim = lights[0] as LightPeer
    const { cid } = await addBytes(relay.url, randomBytes(50_000), '?pin=false')
    const others = lights.slice(1).map(l => l.cluster.peerId)
    await relay.cluster?.pin(cid, { replicationMin: 2, replicationMax: 2, allocations: [victim.cluster.peerId, others[0] as string] })
    await waitFor(() => pinnedOn(cid).length === 2, 15_000, 'two copies before the kill')
    const killedAt = Date.now()
    await victim.stop()
    lights = lights.slice(1)
    await waitFor(() => {
      const pin = relay.cluster?.state.pin(cid)
      return pin !== undefined && !pin.allocations.includes(victim.cluster.peerId) && pinnedOn(cid).filter(p => p !== victim.cluster.peerId).length >= 2
    }, 15_000, 're-allocation')
    console.log(`killed peer → replicationMin held again in ${Date.now() - killedAt} ms (peer timeout 5000 ms)`)
  }, 30_000)

  it('a holding check catches a peer that deleted its blocks, and its pin moves', async () => {
    const relay = relays[0] as TestRelay
    const cheat = lights[0] as LightPeer
    const { cid } = await addBytes(relay.url, randomBytes(600_000), '?pin=false')
    await relay.cluster?.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [cheat.cluster.peerId] })
    await waitFor(() => pinnedOn(cid).includes(cheat.cluster.peerId), 15_000, 'cheat pinned')
    const ok = await relay.cluster?.checkHolding(cid, cheat.cluster.peerId)
    expect(ok).toMatchObject({ ok: true })
    // the peer drops every block but keeps claiming `pinned`
    for await (const pair of cheat.blockstore.getAll()) await cheat.blockstore.delete(pair.cid)
    const failed = await relay.cluster?.checkHolding(cid, cheat.cluster.peerId)
    expect(failed).toMatchObject({ ok: false })
    const pin = relay.cluster?.state.pin(cid)
    expect(pin?.allocations).not.toContain(cheat.cluster.peerId)
    expect(relay.cluster?.state.mark(cheat.cluster.peerId)?.cid).toBe(cid)
    await waitFor(() => pinnedOn(cid).some(p => p !== cheat.cluster.peerId), 15_000, 'pin held elsewhere')
  }, 30_000)

  it('a CID no peer can find ends in error with the reason, in bounded time', async () => {
    const relay = relays[0] as TestRelay
    const missing = CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
    const start = Date.now()
    await relay.cluster?.pin(missing, { replicationMin: 1, replicationMax: 1 })
    await waitFor(() => relay.cluster?.status(missing).health === 'error', 15_000, 'error state')
    const status = relay.cluster?.status(missing)
    const errored = Object.values(status?.peers ?? {}).find(s => s.state === 'error')
    expect(errored?.error).toMatch(/^ERR_(TIMEOUT|NOT_FOUND)/)
    console.log(`unfindable CID → error in ${Date.now() - start} ms (pin timeout 6000 ms)`)
    await relay.cluster?.unpin(missing)
  }, 20_000)
})
