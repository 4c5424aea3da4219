/**
 * Failover between relays, end to end: three real relays (in this process) forming one cluster, and two Debian
 * Chromium tabs given the relays as a list. Tab A opens its node as the app does (`openNode` with the relays' HTTP
 * URLs) and is on the first relay; tab B is given multiaddrs (`createBrowserNode({ relays })`) and is on the second;
 * they meet over WebRTC.
 * Content is pinned on the cluster (a copy on every relay), then the first relay stops: within the failover budget
 * A is connected through another relay with a fresh reservation, still has its direct WebRTC link to B, and reads
 * the pinned content (it never held it) from the relays that hold it; the relay URL the app's views call follows.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { addBytes } from '../relay/support.ts'
import { destroyRelay, randomBytes, startRelays, waitFor } from '../cluster/support.ts'
import { catFile, launchChromium, openPeer, waitForConnection } from './support/browser-peers.ts'
import { startPageServer } from './support/page-server.ts'
import type { BrowserPeer } from './support/browser-peers.ts'
import type { MeshTestWindow } from './pages/mesh-window.ts'
import type { TestRelay } from '../relay/support.ts'
import type { PageServer } from './support/page-server.ts'
import type { Browser } from 'playwright-core'

/** Deadline of one relay dial in the tabs: failover tries at most two dead relays before a live one. */
const RELAY_DIAL_MS = 3_000
/** Failover budget: the dropped WebSocket is seen at once; at most `relays - 1` dials, then the reservation. */
const FAILOVER_BUDGET_MS = 2 * RELAY_DIAL_MS + 4_000

let relays: TestRelay[] = []
let pages: PageServer
let browser: Browser
const peers: BrowserPeer[] = []
const stopped = new Set<TestRelay>()

/** A relay's WebSocket multiaddr (what a browser dials). */
function wsAddr (relay: TestRelay): string {
  const ws = relay.node.libp2p.getMultiaddrs().map(String).find(a => a.includes('/ws/'))
  if (ws === undefined) throw new Error('relay has no WebSocket address')
  return ws
}

/** The relay the tab is connected through now, its reservations, and (opened as the app) the API URL its views call. */
async function activeRelay (peer: BrowserPeer): Promise<{ relay: string | undefined, reachable: string[], apiUrl: string | undefined }> {
  return peer.page.evaluate(() => {
    const w = window as unknown as MeshTestWindow
    return { relay: w.ipfsKit?.activeRelay()?.toString(), reachable: w.ipfsKit?.reachableAddresses() ?? [], apiUrl: w.ipfsKitLiveRelayUrl?.() }
  })
}

beforeAll(async () => {
  relays = await startRelays(3)
  await waitFor(() => relays.every(r => (r.cluster?.peers() ?? []).filter(p => p.live).length === 3), 30_000, 'the three relays see each other')
  pages = await startPageServer()
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await Promise.all(peers.map(async p => p.close()))
  await browser?.close()
  await pages?.close()
  await Promise.all(relays.filter(r => !stopped.has(r)).map(async r => destroyRelay(r)))
}, 60_000)

describe('failover between relays', () => {
  it('a tab whose relay stops reconnects through another within the budget, keeps its WebRTC peer and reads pinned content', async () => {
    onTestFailed(() => { for (const p of peers) console.error(p.logs.slice(-60).join('\n')) })
    const [r1, r2, r3] = relays as [TestRelay, TestRelay, TestRelay]
    const dial = { relayDialMs: String(RELAY_DIAL_MS) }
    const [a, b] = await Promise.all([
      openPeer(browser, pages.url, wsAddr(r1), 'a', { query: { relayUrls: relays.map(r => r.url).join(','), ...dial } }),
      openPeer(browser, pages.url, wsAddr(r2), 'b', { query: { relays: [wsAddr(r2), wsAddr(r3), wsAddr(r1)].join(','), ...dial } })
    ])
    peers.push(a, b)
    expect(await activeRelay(a)).toMatchObject({ relay: wsAddr(r1), apiUrl: r1.url })
    expect((await activeRelay(b)).relay).toBe(wsAddr(r2))
    // A and B meet through the relays' gossipsub (A announces on r1, B on r2) and connect directly
    await waitForConnection(a, b.peerId, 'webrtc', 45_000)

    // content the tabs never held, pinned on the cluster: a copy on every relay
    const bytes = randomBytes(512 * 1024)
    const { cid } = await addBytes(r1.url, bytes, '?pin=false')
    await r1.cluster?.pin(cid, { name: 'failover', replicationMin: 3, replicationMax: 3 })
    await waitFor(() => r1.cluster?.status(cid).pinnedCount === 3, 20_000, 'three pinned copies', () => r1.cluster?.status(cid).peers)

    const stoppedAt = Date.now()
    stopped.add(r1)
    await destroyRelay(r1)
    const survivors = [wsAddr(r2), wsAddr(r3)]
    await expect.poll(async () => {
      const now = await activeRelay(a)
    // the app's relay API calls (search, pins, cluster, ...) now go to the relay the node moved to
    expect(now.apiUrl).toBe(now.relay === wsAddr(r2) ? r2.url : r3.url)
      return survivors.includes(now.relay ?? '') && now.reachable.some(addr => survivors.some(s => addr.startsWith(s)))
    }, { timeout: FAILOVER_BUDGET_MS, interval: 100 }).toBe(true)
    const failedOver = Date.now() - stoppedAt
    const now = await activeRelay(a)
    // the app's relay API calls (search, pins, cluster, ...) now go to the relay the node moved to
    expect(now.apiUrl).toBe(now.relay === wsAddr(r2) ? r2.url : r3.url)

    // the mesh stays: the direct link to B needs no relay once made
    expect((await a.connections()).some(c => c.peerId === b.peerId && c.kind === 'webrtc')).toBe(true)
    // and reads continue from the peers that hold the content
    const read = await catFile(a, cid)
    expect(read.size).toBe(bytes.byteLength)
    const expected = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex')
    expect(read.sha256).toBe(expected)
    console.info(`failover e2e: relay stopped → tab on ${now.relay === wsAddr(r2) ? 'relay 2' : 'relay 3'} with a reservation in ${failedOver} ms ` +
      `(budget ${FAILOVER_BUDGET_MS} ms); pinned 512 KiB read in ${Math.round(read.ms)} ms`)
  }, 120_000)
})
