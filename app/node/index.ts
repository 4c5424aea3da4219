/**
 * @packageDocumentation
 *
 * The browser node: libp2p (WebSockets to the relay, WebRTC between browsers, circuit relay v2), gossipsub peer
 * discovery, Helia with bitswap over IndexedDB, and the one {@link IpfsService} every UI surface calls. It runs on
 * the main thread because `RTCPeerConnection` does not exist in workers.
 *
 * @example
 * ```ts
 * import { createBrowserNode } from './app/node/index.ts'
 *
 * const node = await createBrowserNode({ relayUrl: location.origin })
 * await node.whenReachable()
 * const { cid } = await node.service.add(file)
 * for await (const chunk of node.service.cat(cid)) render(chunk)
 * node.connections().filter(c => c.kind === 'webrtc') // direct browser peers
 * ```
 */
import type { IpfsService } from '../../core/service/ipfs-service.ts'
export { createBrowserNode, type BrowserNode, type BrowserNodeInit, type BrowserServices } from './create-browser-node.ts'
export { describeConnection, isDirectWebRTC, transportKindOf, type ConnectionInfo, type TransportKind } from './connection-kind.ts'
export { MeshDialer, type MeshDialerInit } from './mesh-dialer.ts'
export { MeshDiscovery, MESH_DISCOVERY_TOPIC, type DiscoveredPeer, type MeshDiscoveryInit } from './mesh-discovery.ts'
export { assertFitsQuota, bytesNeededFor, type StorageEstimator } from './quota-guard.ts'
export { resolveRelayAddress, resolveRelayAddresses, type RelayLocation, type RelaysLocation } from './relay-address.ts'
export { RelayLink, type RelayLinkInit } from './relay-link.ts'
export { WorkerBlockstore, type WorkerBlockstoreInit } from '../worker/worker-blockstore.ts'
export type { IpfsService }
