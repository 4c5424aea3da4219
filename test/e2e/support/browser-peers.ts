import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../vite.config.ts'
import type { ConnectionInfo } from '../../../app/node/index.ts'
import type { MeshTestWindow } from '../pages/mesh-window.ts'
import type { Browser, BrowserContext, Page } from 'playwright-core'

/** One simulated browser peer: its own context (own IndexedDB), one page running the node. */
export interface BrowserPeer {
  name: string
  context: BrowserContext
  page: Page
  peerId: string
  /** Console lines and page errors seen so far (printed when a test fails). */
  logs: string[]
  connections: () => Promise<ConnectionInfo[]>
  close: () => Promise<void>
}

/** Options for {@link openPeer}. */
export interface OpenPeerOptions {
  /** IndexedDB prefix (default the peer's name). */
  dbName?: string
  /** Start without the WebRTC transport (only relayed connections). */
  webRTC?: boolean
  /** Keep blocks in IndexedDB inside the storage worker (comlink) instead of on the main thread. */
  storage?: 'main' | 'worker'
  /** More query parameters for the page (e.g. `cluster`, `clusterSecret`, `clusterOptions`). */
  query?: Record<string, string>
}

/** Launch Debian's Chromium with the flags these machines need. */
export async function launchChromium (): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/** Wait for the page's node to start and get its relay reservation; throws with the page's error if it failed. */
export async function waitForNode (page: Page): Promise<string> {
  await page.waitForFunction(() => (window as unknown as MeshTestWindow).ipfsKitReady !== undefined)
  const error = await page.evaluate(async () => {
    const w = window as unknown as MeshTestWindow
    await w.ipfsKitReady
    if (w.ipfsKit === undefined) return w.ipfsKitError ?? 'node did not start'
    await w.ipfsKit.whenReachable({ timeoutMs: 20_000 })
    return undefined
  })
  if (error !== undefined) throw new Error(`page node failed: ${error}`)
  return page.evaluate(() => (window as unknown as MeshTestWindow).ipfsKit?.peerId ?? '')
}

/** Open a new context and page running the node against `relay`. */
export async function openPeer (browser: Browser, pageUrl: string, relay: string, name: string, options: OpenPeerOptions = {}): Promise<BrowserPeer> {
  const context = await browser.newContext()
  if (process.env.E2E_DEBUG !== undefined) {
    await context.addInitScript(`localStorage.setItem('debug', ${JSON.stringify(process.env.E2E_DEBUG)})`)
  }
  const page = await context.newPage()
  const logs: string[] = []
  page.on('console', msg => { logs.push(`[${name}] ${msg.type()}: ${msg.text()}`) })
  page.on('pageerror', err => { logs.push(`[${name}] pageerror: ${err.message}`) })
  const query = new URLSearchParams({ relay, name: options.dbName ?? name })
  if (options.webRTC === false) query.set('webrtc', '0')
  if (options.storage === 'worker') query.set('storage', 'worker')
  for (const [key, value] of Object.entries(options.query ?? {})) query.set(key, value)
  await page.goto(`${pageUrl}/mesh.html?${query.toString()}`)
  const peerId = await waitForNode(page)
  return {
    name,
    context,
    page,
    peerId,
    logs,
    connections: async () => page.evaluate(() => (window as unknown as MeshTestWindow).ipfsKit?.connections() ?? []),
    close: async () => {
      await page.evaluate(async () => { await (window as unknown as MeshTestWindow).ipfsKit?.stop() }).catch(() => {})
      await context.close()
    }
  }
}

/** Wait until `peer` has a connection to `remotePeerId` of the given kind; returns it. */
export async function waitForConnection (peer: BrowserPeer, remotePeerId: string, kind: ConnectionInfo['kind'], timeoutMs: number): Promise<ConnectionInfo> {
  const handle = await peer.page.waitForFunction(({ remote, kind }) => {
    const conns = (window as unknown as MeshTestWindow).ipfsKit?.connections() ?? []
    return conns.find(c => c.peerId === remote && c.kind === kind)
  }, { remote: remotePeerId, kind }, { timeout: timeoutMs, polling: 200 })
  return await handle.jsonValue() as ConnectionInfo
}

/**
 * Wait until `peer` reaches `remotePeerId` over connections of `kind` only (at least one). The mesh dialer closes
 * relayed connections a second after a direct one opens; until then a read may take the relay.
 */
export async function waitForOnlyKind (peer: BrowserPeer, remotePeerId: string, kind: ConnectionInfo['kind'], timeoutMs: number): Promise<void> {
  try {
    await peer.page.waitForFunction(({ remote, kind }) => {
      const conns = ((window as unknown as MeshTestWindow).ipfsKit?.connections() ?? []).filter(c => c.peerId === remote)
      return conns.length > 0 && conns.every(c => c.kind === kind)
    }, { remote: remotePeerId, kind }, { timeout: timeoutMs, polling: 200 })
  } catch (err) {
    const kinds = (await peer.connections()).filter(c => c.peerId === remotePeerId).map(c => c.kind)
    throw new Error(`${peer.name} reaches ${remotePeerId} over ${kinds.join(', ') || 'nothing'}, not only ${kind}`, { cause: err })
  }
}

/** Add `size` random bytes on the peer's node (pinned locally); returns the CID and the bytes' SHA-256 (hex). */
export async function addRandomFile (peer: BrowserPeer, size: number): Promise<{ cid: string, sha256: string, ms: number }> {
  return peer.page.evaluate(async (size) => {
    const node = (window as unknown as MeshTestWindow).ipfsKit
    if (node === undefined) throw new Error('no node')
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)))
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    const started = performance.now()
    const { cid } = await node.service.add(bytes, { pin: true })
    return { cid: cid.toString(), sha256: Array.from(digest, b => b.toString(16).padStart(2, '0')).join(''), ms: performance.now() - started }
  }, size)
}

/** Read a file by CID on the peer's node; returns its size, SHA-256 (hex) and how long the read took. */
export async function catFile (peer: BrowserPeer, cid: string): Promise<{ size: number, sha256: string, ms: number }> {
  return peer.page.evaluate(async (cid) => {
    const node = (window as unknown as MeshTestWindow).ipfsKit
    if (node === undefined) throw new Error('no node')
    const started = performance.now()
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of node.service.cat(cid)) {
      chunks.push(chunk)
      size += chunk.byteLength
    }
    const ms = performance.now() - started
    const bytes = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    return { size, sha256: Array.from(digest, b => b.toString(16).padStart(2, '0')).join(''), ms }
  }, cid)
}
