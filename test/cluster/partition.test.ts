/**
 * Partition test: three relay processes, each in its own network namespace on one bridge (see support/netns.ts),
 * form a cluster. One relay is cut off the bridge; pins are written on both sides while it is; the link is healed;
 * every relay must then hold the same pinset, with every pin pinned on at least `replicationMin` peers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes, SECRET, waitFor } from './support.ts'
import { createNetnsNetwork, netnsUnavailableReason } from './support/netns.ts'
import { spawnNetnsRelay } from './support/netns-relay.ts'
import type { NetnsNetwork } from './support/netns.ts'
import type { NetnsRelay } from './support/netns-relay.ts'

const CLUSTER = {
  name: 'partition', secret: SECRET, replicationMin: 2, replicationMax: 3,
  heartbeatMs: 500, peerTimeoutMs: 3000, pinTimeoutMs: 6000, syncIntervalMs: 1000, recoverIntervalMs: 2000, checkIntervalMs: 0
}

interface PinStatus { cid: string, health: string, pinnedCount: number, peers: Record<string, { state: string, error?: string }> }
interface PeerView { peerId: string, live: boolean }

const unavailable = await netnsUnavailableReason()
if (unavailable !== undefined) process.stderr.write(`partition test skipped: ${unavailable}\n`)

async function api<T> (relay: NetnsRelay, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${relay.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} on ${relay.member.ns}: ${res.status} ${await res.text()}`)
  return await res.json() as T
}

/** Add 64 KiB of fresh random bytes on `relay` (not pinned locally) and pin it in the cluster there. */
async function addAndPin (relay: NetnsRelay, name: string): Promise<string> {
  const { cid } = await api<{ cid: string }>(relay, '/api/v1/add?pin=false', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(64 * 1024) })
  await api(relay, '/api/v1/cluster/pins', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid, name }) })
  return cid
}

async function pinsOn (relay: NetnsRelay): Promise<Map<string, PinStatus>> {
  const { pins } = await api<{ pins: PinStatus[] }>(relay, '/api/v1/cluster/pins')
  return new Map(pins.map(p => [p.cid, p]))
}

/** Whether `relay` has `cid` in its own local pinset (what the cluster's tracker pinned there). */
async function localPin (relay: NetnsRelay, cid: string): Promise<boolean> {
  const { pins } = await api<{ pins: Array<{ cid: string }> }>(relay, `/api/v1/pins?cid=${cid}`)
  return pins.some(p => p.cid === cid)
}

async function livePeers (relay: NetnsRelay): Promise<string[]> {
  const { peers } = await api<{ peers: PeerView[] }>(relay, '/api/v1/cluster/peers')
  return peers.filter(p => p.live).map(p => p.peerId)
}

/** One relay's view in one line per pin, for failure messages. */
async function describeView (relay: NetnsRelay): Promise<string> {
  const pins = [...(await pinsOn(relay)).values()]
  const live = await livePeers(relay)
  return `${relay.peerId.slice(-6)} live=[${live.map(p => p.slice(-6)).join(',')}] ` + pins.map(p =>
    `${p.cid.slice(-6)}:${p.health}/${p.pinnedCount}{${Object.entries(p.peers).map(([peer, st]) => `${peer.slice(-6)}=${st.state}${st.error === undefined ? '' : `(${st.error.slice(0, 60)})`}`).join(' ')}}`).join(' ')
}

describe.skipIf(unavailable !== undefined)('cluster partition (network namespaces)', () => {
  let network: NetnsNetwork | undefined
  let dir = ''
  const relays: NetnsRelay[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-partition-'))
    network = await createNetnsNetwork(3, { delayMs: 10 })
    process.stderr.write(`partition test: namespaces ${network.members.map(m => m.ns).join(', ')}; ${network.shaping}\n`)
    const [m0, m1, m2] = network.members
    if (m0 === undefined || m1 === undefined || m2 === undefined) throw new RangeError('three members expected')
    const first = await spawnNetnsRelay(m0, join(dir, 'r0'), CLUSTER)
    relays.push(first)
    relays.push(...await Promise.all([m1, m2].map(async (m, i) => spawnNetnsRelay(m, join(dir, `r${i + 1}`), CLUSTER, [first.addr]))))
  }, 90_000)

  afterAll(async () => {
    await Promise.allSettled(relays.map(async r => r.stop()))
    await network?.destroy()
    if (dir !== '') await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }, 30_000)

  it('a cut-off relay and the rest both take writes; after healing every pin is everywhere and replicated', async () => {
    const [r0, r1, r2] = relays
    if (r0 === undefined || r1 === undefined || r2 === undefined || network === undefined) throw new RangeError('three relays expected')
    const ids = relays.map(r => r.peerId)
    const explain = (): string => relays.map(r => `${r.member.ns}:\n${r.output().slice(-1500)}`).join('\n')
    await waitFor(async () => (await Promise.all(relays.map(livePeers))).every(live => ids.every(id => live.includes(id))), 30_000, 'three live members on every relay', explain)

    const before = await addAndPin(r0, 'before')
    await waitFor(async () => (await pinsOn(r1)).get(before)?.health === 'ok', 20_000, 'the first pin replicated')

    await network.cut(2)
    // both sides notice: the majority stops seeing r2 live, r2 sees only itself
    await waitFor(async () => !(await livePeers(r0)).includes(r2.peerId) && (await livePeers(r2)).length === 1, 15_000, 'both sides see the partition')
    const majority = [await addAndPin(r0, 'a0'), await addAndPin(r1, 'a1'), await addAndPin(r0, 'a2')]
    const minority = [await addAndPin(r2, 'b0'), await addAndPin(r2, 'b1')]
    // the majority replicates its pins on its own; neither side knows the other's new pins
    await waitFor(async () => {
      const pins = await pinsOn(r0)
      return majority.every(cid => pins.get(cid)?.health === 'ok')
    }, 30_000, 'majority pins replicated during the partition')
    const seenByMajority = await pinsOn(r0)
    const seenByMinority = await pinsOn(r2)
    expect(minority.filter(cid => seenByMajority.has(cid))).toEqual([])
    expect(majority.filter(cid => seenByMinority.has(cid))).toEqual([])
    for (const cid of minority) expect(seenByMinority.get(cid)?.peers[r2.peerId]?.state).toBe('pinned')

    await network.heal(2)
    const all = [before, ...majority, ...minority]
    // converged: every relay lists every pin as healthy, and each pin is in the local pinset of ≥ replicationMin
    // relays (asked of each relay itself: another relay's view of a peer's state can lag a move by a heartbeat)
    const converged = async (): Promise<boolean> => {
      const views = await Promise.all(relays.map(pinsOn))
      const healthy = views.every(view => view.size === all.length && all.every(cid => {
        const status = view.get(cid)
        return status !== undefined && status.health === 'ok' && status.pinnedCount >= CLUSTER.replicationMin
      }))
      if (!healthy) return false
      const held = await Promise.all(all.map(async cid => (await Promise.all(relays.map(async r => localPin(r, cid)))).filter(Boolean).length))
      return held.every(count => count >= CLUSTER.replicationMin)
    }
    let lastViews: string[] = []
    const healMs = await waitFor(async () => {
      const ok = await converged()
      if (!ok) lastViews = await Promise.all(relays.map(describeView))
      return ok
    }, 45_000, 'every relay holds every pin at replicationMin', () => lastViews)
    process.stderr.write(`partition test: converged ${healMs} ms after healing\n`)
    expect((await Promise.all(relays.map(pinsOn))).map(view => [...view.keys()].sort())).toEqual(relays.map(() => [...all].sort()))
  }, 120_000)
})
