/**
 * The e2e test page: starts a browser node against the relay named in the URL and exposes it as `window.ipfsKit`
 * for Playwright. No framework, no UI beyond a status line.
 *
 * Query parameters: `relay` (the relay's WebSocket multiaddr with `/p2p/<id>`, required), `name` (IndexedDB
 * database prefix, default `ipfs-kit`), `webrtc=0` (start without the WebRTC transport), `storage=worker` (blocks in
 * IndexedDB inside the storage worker, `storage-worker.js` beside this bundle).
 */
import { createBrowserNode } from '../../../app/node/index.ts'
import type { MeshTestWindow } from './mesh-window.ts'

const testWindow = window as unknown as MeshTestWindow
const status = document.getElementById('status')
const params = new URLSearchParams(location.search)
const relay = params.get('relay')

function show (text: string): void {
  if (status !== null) status.textContent = text
}

async function main (): Promise<void> {
  if (relay === null) throw new Error('missing ?relay=<multiaddr>')
  const node = await createBrowserNode({
    relayMultiaddr: relay,
    name: params.get('name') ?? 'ipfs-kit',
    webRTC: params.get('webrtc') !== '0',
    storageWorker: params.get('storage') === 'worker' ? new Worker(new URL('./storage-worker.js', import.meta.url), { type: 'module' }) : undefined
  })
  testWindow.ipfsKit = node
  show(`peer ${node.peerId}`)
}

testWindow.ipfsKitReady = main().catch((err: unknown) => {
  testWindow.ipfsKitError = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err)
  show(`failed: ${testWindow.ipfsKitError}`)
})
