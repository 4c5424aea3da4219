/**
 * The e2e test page: starts a browser node against the relay named in the URL and exposes it as `window.ipfsKit`
 * for Playwright. No framework, no UI beyond a status line.
 *
 * Query parameters: `relay` (the relay's WebSocket multiaddr with `/p2p/<id>`; or `relays`, several of them
 * comma-separated, for failover; or `relayUrls`, the relays' HTTP URLs, to open the node as the app does, through
 * `openNode`; one is required), `relayDialMs` (deadline of one relay dial; also shortens the
 * backoff between rounds), `name` (IndexedDB
 * database prefix, default `ipfs-kit`), `webrtc=0` (start without the WebRTC transport), `storage=worker` (blocks in
 * IndexedDB inside the storage worker, `storage-worker.js` beside this bundle), `cluster` (join this cluster as
 * `window.ipfsKitCluster`), `clusterSecret` (its secret), `clusterOptions` (JSON of more join options: timings, tags, e.g.
 * `{"heartbeatMs":1000,"tags":["browser"]}`).
 */
import { createBrowserNode } from '../../../app/node/index.ts'
import { openNode } from '../../../app/ui/open-node.ts'
import { joinCluster } from '../../../app/node/cluster-join.ts'
import type { BrowserClusterInit } from '../../../app/node/cluster-join.ts'
import type { BrowserNode } from '../../../app/node/index.ts'
import type { MeshTestWindow } from './mesh-window.ts'

const testWindow = window as unknown as MeshTestWindow
const status = document.getElementById('status')
const params = new URLSearchParams(location.search)
const relay = params.get('relay')
const relays = params.get('relays')?.split(',').filter(a => a !== '')
const relayDialMs = params.get('relayDialMs')
const relayUrls = params.get('relayUrls')?.split(',').filter(a => a !== '')

function show (text: string): void {
  if (status !== null) status.textContent = text
}

/** The node as the app and the web component open it: from the relays' HTTP URLs, following the live one. */
async function openAsApp (urls: string[]): Promise<BrowserNode> {
  const node = await openNode({ relayUrls: urls, name: params.get('name') ?? 'ipfs-kit', ...(relayDialMs === null ? {} : { relayDialTimeoutMs: Number(relayDialMs) }) })
  testWindow.ipfsKitLiveRelayUrl = node.liveRelayUrl
  return node
}

/** The node on the relays' multiaddrs (`relay` or `relays`). */
async function openOnMultiaddrs (): Promise<BrowserNode> {
  const location = relays !== undefined ? { relays } : relay !== null ? { relayMultiaddr: relay } : undefined
  if (location === undefined) throw new Error('missing ?relay=<multiaddr>, ?relays=<multiaddr>,<multiaddr> or ?relayUrls=<url>,<url>')
  return createBrowserNode({
    ...location,
    ...(relayDialMs === null ? {} : { relayLink: { dialTimeoutMs: Number(relayDialMs), retryDelayMs: 500, maxRetryDelayMs: 2000 } }),
    name: params.get('name') ?? 'ipfs-kit',
    webRTC: params.get('webrtc') !== '0',
    storageWorker: params.get('storage') === 'worker' ? new Worker(new URL('./storage-worker.js', import.meta.url), { type: 'module' }) : undefined,
    // as the app: a page with a storage worker hashes its adds' leaves in hashing workers too
    ...(params.get('storage') === 'worker' ? { hashWorker: () => new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' }) } : {})
  })
}

async function main (): Promise<void> {
  const node = relayUrls !== undefined ? await openAsApp(relayUrls) : await openOnMultiaddrs()
  testWindow.ipfsKit = node
  const cluster = params.get('cluster')
  if (cluster !== null) {
    const secret = params.get('clusterSecret')
    const options = JSON.parse(params.get('clusterOptions') ?? '{}') as Partial<BrowserClusterInit>
    testWindow.ipfsKitCluster = await joinCluster(node, { ...options, name: cluster, ...(secret === null ? {} : { secret }) })
  }
  show(`peer ${node.peerId}`)
}

testWindow.ipfsKitReady = main().catch((err: unknown) => {
  testWindow.ipfsKitError = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err)
  show(`failed: ${testWindow.ipfsKitError}`)
})
