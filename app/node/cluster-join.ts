import { loadOrCreateSelfKey } from '@libp2p/config'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createCluster, datastoreStateStore } from '../../core/cluster/index.ts'
import type { Cluster, ClusterInit } from '../../core/cluster/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { BrowserNode } from './create-browser-node.ts'

/** How a browser node joins a cluster: the cluster's name and membership, and optionally its timings. */
export type BrowserClusterInit = Omit<ClusterInit, 'kind'> & {
  /** Free space of this tab's storage (default: `navigator.storage.estimate()`; 0 when the browser cannot say). */
  usage?: (options?: AbortOptions) => Promise<{ freeSpace: number }>
}

/** Free space the browser grants this origin (quota minus usage); 0 when the Storage API is missing. */
async function storageEstimate (): Promise<{ freeSpace: number }> {
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ quota?: number, usage?: number }> } } }).navigator?.storage
  const estimate = await storage?.estimate?.()
  return { freeSpace: Math.max(0, (estimate?.quota ?? 0) - (estimate?.usage ?? 0)) }
}

/**
 * Join a cluster from a browser node: the cluster signs with the node's own peer key (the one Helia keeps in the
 * node's datastore), saves its state in that datastore (IndexedDB in a tab), pins through the node's service
 * (bitswap over the relay and WebRTC), and answers holding checks from the local blocks only. Without the
 * cluster's secret or a place in its trusted list the tab follows read-only.
 *
 * @example
 * ```ts
 * const cluster = await joinCluster(node, { name: 'team', secret })
 * cluster.status(cid)
 * ```
 */
export async function joinCluster (node: Pick<BrowserNode, 'helia' | 'libp2p' | 'service' | 'events'>, init: BrowserClusterInit): Promise<Cluster> {
  const { usage, ...settings } = init
  const privateKey = await loadOrCreateSelfKey(node.helia.datastore)
  if (!peerIdFromPrivateKey(privateKey).equals(node.libp2p.peerId)) throw new Error('the datastore key is not this node\'s peer key')
  const cluster = createCluster({ ...settings, kind: 'browser' })({
    peerId: node.libp2p.peerId,
    privateKey,
    libp2p: node.libp2p,
    pubsub: node.libp2p.services.pubsub,
    pinner: node.service,
    // `offline`: Helia's blockstore answers from local blocks only (a holding check must not fetch from peers)
    localBlocks: { get: (cid, options) => node.helia.blockstore.get(cid, { ...options, offline: true }) },
    usage: usage ?? storageEstimate,
    store: datastoreStateStore(node.helia.datastore, settings.name),
    events: node.events
  })
  await cluster.start()
  return cluster
}
