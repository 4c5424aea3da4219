import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { statfs } from 'node:fs/promises'
import { clusterMetrics } from './cluster/metrics.ts'

async function statfsOf (path: string, what: 'avail' | 'size'): Promise<number> {
  try {
    const stats = await statfs(path)
    return (what === 'avail' ? stats.bavail : stats.blocks) * stats.bsize
  } catch {
    return 0
  }
}
import type { Cluster } from '../core/cluster/index.ts'

/** The relay's Prometheus metrics, in their own registry (no global state). */
export interface RelayMetrics {
  registry: Registry
  httpDuration: Histogram<'method' | 'route' | 'status'>
  httpBytesIn: Counter<'route'>
  httpBytesOut: Counter<'route'>
  events: Counter<'type'>
  wsClients: Gauge
}

/**
 * Create the metrics. Gauges read live state when scraped (`collect`), so nothing polls.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ peers: () => libp2p.getConnections().length })
 * ```
 */
export function createMetrics (probes: {
  cluster?: Cluster
  peers?: () => number
  reservations?: () => number
  pubsubTopics?: () => number
  blocksCached?: () => number
  /** The data directory, whose filesystem's free and total bytes are exported (alert: disk nearly full). */
  dataDir?: string
  /** Stored blocks found corrupt since start. */
  corruptBlocks?: () => number
} = {}): RelayMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'ipfs_kit_process_' })
  // prom-client names these gauges *_total, which Prometheus' own linter (promtool check metrics) rejects
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
    registry.removeSingleMetric(`ipfs_kit_process_nodejs_${name}`)
  }
  const httpDuration = new Histogram({
    name: 'ipfs_kit_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry]
  })
  const httpBytesIn = new Counter({ name: 'ipfs_kit_http_request_bytes_total', help: 'Request body bytes received', labelNames: ['route'] as const, registers: [registry] })
  const httpBytesOut = new Counter({ name: 'ipfs_kit_http_response_bytes_total', help: 'Response body bytes sent (by Content-Length)', labelNames: ['route'] as const, registers: [registry] })
  const events = new Counter({ name: 'ipfs_kit_events_total', help: 'Node events emitted by type', labelNames: ['type'] as const, registers: [registry] })
  const wsClients = new Gauge({ name: 'ipfs_kit_ws_clients', help: 'Connected /ws event clients', registers: [registry] })
  new Gauge({ name: 'ipfs_kit_libp2p_connections', help: 'Open libp2p connections', registers: [registry], collect () { this.set(probes.peers?.() ?? 0) } })
  new Gauge({ name: 'ipfs_kit_relay_reservations', help: 'Active circuit relay reservations', registers: [registry], collect () { this.set(probes.reservations?.() ?? 0) } })
  new Gauge({ name: 'ipfs_kit_pubsub_topics', help: 'Gossipsub topics subscribed', registers: [registry], collect () { this.set(probes.pubsubTopics?.() ?? 0) } })
  new Gauge({ name: 'ipfs_kit_blockstore_cache_bytes', help: 'Bytes of blocks held in the memory LRU', registers: [registry], collect () { this.set(probes.blocksCached?.() ?? 0) } })
  new Gauge({ name: 'ipfs_kit_corrupt_blocks', help: 'Stored blocks found corrupt (and quarantined) since start', registers: [registry], collect () { this.set(probes.corruptBlocks?.() ?? 0) } })
  const dataDir = probes.dataDir
  if (dataDir !== undefined) {
    // names as node_exporter's node_filesystem_avail_bytes / node_filesystem_size_bytes, for the data directory only
    new Gauge({ name: 'ipfs_kit_repo_filesystem_avail_bytes', help: 'Bytes free to unprivileged users on the data directory\'s filesystem', registers: [registry], async collect () { this.set(await statfsOf(dataDir, 'avail')) } })
    new Gauge({ name: 'ipfs_kit_repo_filesystem_size_bytes', help: 'Size in bytes of the data directory\'s filesystem', registers: [registry], async collect () { this.set(await statfsOf(dataDir, 'size')) } })
  }
  if (probes.cluster !== undefined) clusterMetrics(registry, probes.cluster)
  return { registry, httpDuration, httpBytesIn, httpBytesOut, events, wsClients }
}
