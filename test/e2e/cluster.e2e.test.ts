/**
 * The cluster with browser peers, end to end: a real relay (in this process) and three Debian Chromium contexts,
 * each a browser node that joined the relay's cluster with its secret. The relay coordinates but takes no
 * allocations (`cluster.storageMax: 0`), so the pins land on browsers: a pin with replication 2 is held by two tabs;
 * when one of them closes, the pin moves to the third tab, which fetches the DAG and pins it. The PWA (built with
 * vite, served by the relay) joins the same cluster once its secret is saved in Settings.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { addRandomFile, launchChromium, openPeer } from './support/browser-peers.ts'
import { startPageServer } from './support/page-server.ts'
import type { BrowserPeer } from './support/browser-peers.ts'
import type { MeshTestWindow } from './pages/mesh-window.ts'
import type { PinState } from '../../core/cluster/index.ts'
import type { TestRelay } from '../relay/support.ts'
import type { PageServer } from './support/page-server.ts'
import type { Browser } from 'playwright-core'

const CLUSTER = 'e2e-browsers'
const SECRET = 'e2e-cluster-secret-0123456789'
/** Short timings so a closed tab loses its allocation in seconds. */
const TIMINGS = { heartbeatMs: 1_000, peerTimeoutMs: 4_000, pinTimeoutMs: 30_000, syncIntervalMs: 2_000, checkIntervalMs: 0 }

let relay: TestRelay
let pages: PageServer
let browser: Browser
let relayAddr: string
let appDir: string
const peers: BrowserPeer[] = []

async function clusterPeer (name: string): Promise<BrowserPeer> {
  const opened = await openPeer(browser, pages.url, relayAddr, name, {
    query: { cluster: CLUSTER, clusterSecret: SECRET, clusterOptions: JSON.stringify({ ...TIMINGS, tags: ['browser'] }) }
  })
  peers.push(opened)
  return opened
}

/** This tab's own state for `cid`, as its pin tracker reports it. */
async function stateOn (peer: BrowserPeer, cid: string): Promise<PinState | undefined> {
  return peer.page.evaluate(({ cid, self }) => {
    return (window as unknown as MeshTestWindow).ipfsKitCluster?.status(cid).peers[self]?.state
  }, { cid, self: peer.peerId })
}

/** Does the tab's own blockstore hold the root, and its node pin it? (local only: no network fetch) */
async function holds (peer: BrowserPeer, cid: string): Promise<boolean> {
  return peer.page.evaluate(async (cid) => {
    const node = (window as unknown as MeshTestWindow).ipfsKit
    if (node === undefined) return false
    for await (const pin of node.service.pinLs()) {
      if (pin.cid.toString() === cid) return node.helia.blockstore.has(pin.cid)
    }
    return false
  }, cid)
}

/** Peers the relay's cluster sees as live browsers. */
function liveBrowsers (): string[] {
  return (relay.cluster?.peers() ?? []).filter(p => p.kind === 'browser' && p.live).map(p => p.peerId).sort()
}

function printLogsOnFailure (): void {
  onTestFailed(() => {
    for (const p of peers) console.error(p.logs.slice(-60).join('\n'))
  })
}

beforeAll(async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  appDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-cluster-pwa-'))
  await build({ configFile: join(root, 'vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir: appDir, emptyOutDir: true } })
  process.env.IPFS_KIT_APP_DIR = appDir
  relay = await startTestRelay({
    'cluster.name': CLUSTER,
    'cluster.secret': SECRET,
    'cluster.storageMax': 0,
    'cluster.heartbeatMs': TIMINGS.heartbeatMs,
    'cluster.peerTimeoutMs': TIMINGS.peerTimeoutMs,
    'cluster.pinTimeoutMs': TIMINGS.pinTimeoutMs,
    'cluster.syncIntervalMs': TIMINGS.syncIntervalMs,
    'cluster.checkIntervalMs': 0
  }).finally(() => { delete process.env.IPFS_KIT_APP_DIR })
  const ws = relay.node.libp2p.getMultiaddrs().map(String).find(a => a.includes('/ws/'))
  if (ws === undefined) throw new Error('relay has no WebSocket address')
  relayAddr = ws
  pages = await startPageServer()
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  if (process.env.E2E_LOGS !== undefined) for (const p of peers) console.info(p.logs.join('\n'))
  await Promise.all(peers.map(async p => p.close()))
  await browser?.close()
  await pages?.close()
  await relay?.destroy()
  if (appDir !== undefined) await rm(appDir, { recursive: true, force: true })
}, 60_000)

describe('cluster with browser peers', () => {
  it('holds a replication-2 pin on two tabs and re-allocates it to the third when one closes', async () => {
    printLogsOnFailure()
    const cluster = relay.cluster
    if (cluster === undefined) throw new Error('the relay runs no cluster')
    // a retry starts from no browsers: the tabs of a failed attempt would count as live members
    await Promise.all(peers.splice(0).map(async p => p.close()))
    await expect.poll(liveBrowsers, { timeout: 30_000, interval: 250 }).toEqual([])
    const t0 = Date.now()
    const [a, b, c] = await Promise.all([clusterPeer('a'), clusterPeer('b'), clusterPeer('c')])
    const ids = [a.peerId, b.peerId, c.peerId].sort()
    // every member sees the three browsers (and the relay) live
    await expect.poll(liveBrowsers, { timeout: 20_000, interval: 250 }).toEqual(ids)
    await expect.poll(async () => a.page.evaluate(() => (window as unknown as MeshTestWindow).ipfsKitCluster?.peers().filter(p => p.live).length ?? 0),
      { timeout: 20_000, interval: 250 }).toBe(4)
    const joined = Date.now()

    // added on A, pinned in the cluster by A for A and B, tagged for browsers
    const file = await addRandomFile(a, 1024 * 1024)
    const pin = await a.page.evaluate(async ({ cid, allocations }) => {
      const cluster = (window as unknown as MeshTestWindow).ipfsKitCluster
      if (cluster === undefined) throw new Error('not in a cluster')
      return cluster.pin(cid, { name: 'e2e', replicationMin: 2, replicationMax: 2, allocations, tags: ['browser'] })
    }, { cid: file.cid, allocations: [a.peerId, b.peerId] })
    expect(pin.allocations.sort()).toEqual([a.peerId, b.peerId].sort())

    await expect.poll(async () => [await stateOn(a, file.cid), await stateOn(b, file.cid)], { timeout: 30_000, interval: 250 }).toEqual(['pinned', 'pinned'])
    await expect.poll(() => cluster.status(file.cid).pinnedCount, { timeout: 10_000, interval: 250 }).toBe(2)
    const pinned = Date.now()
    expect(await holds(a, file.cid)).toBe(true)
    expect(await holds(b, file.cid)).toBe(true)
    expect(await holds(c, file.cid)).toBe(false)
    // C learns the pin through the replicated pinset, which may reach it after the relay counted two pinned copies
    await expect.poll(async () => stateOn(c, file.cid), { timeout: 10_000, interval: 250 }).toBe('remote')
    // B proves it: the relay challenges it for a random root-to-leaf path, answered from B's local blocks only
    const proof = await cluster.checkHolding(file.cid, b.peerId)
    expect(proof.ok).toBe(true)

    // the tab that added the file closes: its allocation moves to C, which fetches the DAG from B
    await a.close()
    const closed = Date.now()
    await expect.poll(() => cluster.status(file.cid).pin?.allocations.slice().sort(), { timeout: 20_000, interval: 250 })
      .toEqual([b.peerId, c.peerId].sort())
    const reallocated = Date.now()
    await expect.poll(async () => stateOn(c, file.cid), { timeout: 30_000, interval: 250 }).toBe('pinned')
    await expect.poll(() => cluster.status(file.cid), { timeout: 10_000, interval: 250 })
      .toMatchObject({ pinnedCount: 2, health: 'ok' })
    const repaired = Date.now()
    expect(await holds(c, file.cid)).toBe(true)
    expect((await cluster.checkHolding(file.cid, c.peerId)).ok).toBe(true)
    expect(cluster.status(file.cid).peers[b.peerId]?.state).toBe('pinned')
    const cToB = (await c.connections()).filter(conn => conn.peerId === b.peerId).map(conn => conn.kind)
    const relayCached = await relay.node.blockstore.has(CID.parse(file.cid))

    console.info(`cluster e2e: 3 tabs joined in ${joined - t0} ms; pin → 2 tabs pinned in ${pinned - joined} ms; ` +
      `tab closed → re-allocated in ${reallocated - closed} ms (peer timeout ${TIMINGS.peerTimeoutMs} ms), ` +
      `→ pinned on the third tab in ${repaired - reallocated} ms; total ${repaired - t0} ms ` +
      `(C↔B connections: ${cToB.join(',') || 'none'}; relay has the root: ${relayCached})`)
  }, 90_000)

  it('the PWA joins the cluster once its secret is saved in Settings, and shows its own membership', async () => {
    printLogsOnFailure()
    const context = await browser.newContext()
    const page = await context.newPage()
    const logs: string[] = []
    page.on('console', msg => { logs.push(`[pwa] ${msg.type()}: ${msg.text()}`) })
    page.on('pageerror', err => { logs.push(`[pwa] pageerror: ${err.message}`) })
    onTestFailed(() => { console.error(logs.slice(-60).join('\n')) })
    try {
      const started = Date.now()
      await page.goto(`${relay.url}/#settings`)
      await page.locator('#cluster-secret').fill(SECRET)
      await Promise.all([page.waitForEvent('load'), page.locator('button', { hasText: 'Save & rejoin' }).click()])
      await page.goto(`${relay.url}/#cluster`)
      const membership = page.locator('[data-testid="cluster-membership"]')
      await expect.poll(async () => membership.textContent(), { timeout: 30_000, interval: 250 }).toContain(`of ${CLUSTER}`)
      const text = await membership.textContent() ?? ''
      // the view shows the tab's peer id shortened as `head…tail`
      const [head = '', tail = ''] = (/member\s+(\S+)/.exec(text)?.[1] ?? '').split('…')
      expect(head.length).toBeGreaterThan(0)
      // the relay counts the tab as a live browser member, and the tab finds itself among the relay's peers
      await expect.poll(() => (relay.cluster?.peers() ?? []).some(p => p.kind === 'browser' && p.live && p.peerId.startsWith(head) && p.peerId.endsWith(tail)),
        { timeout: 20_000, interval: 250 }).toBe(true)
      await page.locator('.tag', { hasText: 'this tab' }).waitFor({ timeout: 10_000 })
      console.info(`cluster e2e: PWA joined and shows its membership ${Date.now() - started} ms after opening Settings`)
    } finally {
      await context.close()
    }
  }, 60_000)

  it('the PWA joins the cluster from an invitation link, without typing the secret; a used invitation is refused', async () => {
    printLogsOnFailure()
    const invite = await fetch(`${relay.url}/api/v1/cluster/invitations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'e2e tab' }) })
    expect(invite.status).toBe(201)
    const { token } = await invite.json() as { token: string }
    const context = await browser.newContext()
    const page = await context.newPage()
    const logs: string[] = []
    page.on('console', msg => { logs.push(`[pwa] ${msg.type()}: ${msg.text()}`) })
    onTestFailed(() => { console.error(logs.slice(-60).join('\n')) })
    try {
      await page.goto(`${relay.url}/#join=${token}`)
      const membership = page.locator('[data-testid="cluster-membership"]')
      await expect.poll(async () => membership.textContent(), { timeout: 30_000, interval: 250 }).toContain(`of ${CLUSTER}`)
      // the token left the address bar, and the secret is kept as if typed into Settings
      expect(page.url()).not.toContain(token)
      expect(await page.evaluate((secret) => Object.values(localStorage).includes(secret), SECRET)).toBe(true)
      const again = await fetch(`${relay.url}/api/v1/cluster/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ invitation: token }) })
      expect(again.status).toBe(401)
      expect(await again.json()).toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    } finally {
      await context.close()
    }
  }, 60_000)
})
