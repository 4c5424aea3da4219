import { statfs } from 'node:fs/promises'
import { loadOrCreateSelfKey } from '@libp2p/config'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createCluster, datastoreStateStore } from '../../core/cluster/index.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { RelayNode } from '../node/create-node.ts'

/** What the relay hands its cluster peer. */
export interface RelayClusterParts {
  config: RelayConfig
  node: RelayNode
  service: IpfsService
  events: EventBus
  log?: (message: string) => void
}

/** Free bytes of the filesystem holding `dir`. */
export async function freeSpaceOf (dir: string): Promise<number> {
  const stats = await statfs(dir)
  return stats.bavail * stats.bsize
}

/**
 * Start the relay's cluster peer: it signs with the relay's own peer key (the one libp2p loaded from the
 * datastore), keeps the cluster state in the relay's datastore, pins through the service (bitswap fetches) and
 * answers holding checks from the local blockstore only.
 */
export async function startRelayCluster (parts: RelayClusterParts): Promise<Cluster> {
  const { config, node, service, events } = parts
  const settings = config.cluster
  const privateKey = await loadOrCreateSelfKey(node.datastore)
  if (!peerIdFromPrivateKey(privateKey).equals(node.libp2p.peerId)) throw new Error('the datastore key is not the libp2p peer key')
  const cluster = createCluster({
    name: settings.name,
    ...(settings.secret === undefined ? {} : { secret: settings.secret }),
    trustedPeers: settings.trustedPeers,
    kind: 'relay',
    tags: settings.tags,
    replicationMin: settings.replicationMin,
    replicationMax: settings.replicationMax,
    heartbeatMs: settings.heartbeatMs,
    peerTimeoutMs: settings.peerTimeoutMs,
    pinTimeoutMs: settings.pinTimeoutMs,
    checkIntervalMs: settings.checkIntervalMs,
    syncIntervalMs: settings.syncIntervalMs,
    recoverIntervalMs: settings.recoverIntervalMs,
    compactIntervalMs: settings.compactIntervalMs,
    compactMinTombstones: settings.compactMinTombstones
  })({
    peerId: node.libp2p.peerId,
    privateKey,
    libp2p: node.libp2p,
    pubsub: node.libp2p.services.pubsub,
    pinner: service,
    localBlocks: node.blockstore,
    usage: async () => {
      const free = await freeSpaceOf(config.dataDir)
      // `storageMax` caps what the cluster may fill here (0: the allocator never picks this relay)
      if (settings.storageMax === undefined) return { freeSpace: free }
      return { freeSpace: Math.min(free, Math.max(0, settings.storageMax - cluster.tracker.pinnedBytes())) }
    },
    store: datastoreStateStore(node.datastore, settings.name),
    events,
    log: parts.log ?? ((message) => { if (config.logLevel !== 'silent') console.warn(message) })
  })
  await cluster.start()
  return cluster
}
