import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { statfs } from 'node:fs/promises'
import { clusterMetrics } from './cluster/metrics.ts'
import { connectionMetrics } from './node/connection-metrics.ts'
import { storageMetrics } from './storage/metrics.ts'
import { searchMetrics } from './search/metrics.ts'
import { auditMetrics } from './audit/metrics.ts'
import type { Cluster } from '../core/cluster/index.ts'
import type { StorageManager } from '../core/storage/index.ts'
import type { ConnectionInfo } from './node/connection-metrics.ts'
import type { RelaySearch } from './search/relay-search.ts'
import type { AuditWatch } from './audit/audit-watch.ts'

async function statfsOf (path: string, what: 'avail' | 'size'): Promise<number> {
  try {
    const stats = await statfs(path)
    return (what === 'avail' ? stats.bavail : stats.blocks) * stats.bsize
  } catch {
    return 0
  }
}

/** The relay's Prometheus metrics, in their own registry (no global state). */
export interface RelayMetrics {
  registry: Registry
  httpDuration: Histogram<'method' | 'route' | 'status'>
  httpBytesIn: Counter<'route'>
  httpBytesOut: Counter<'route'>
  events: Counter<'type'>
  wsClients: Gauge
}

/** What the gauges read when scraped; each part left out exports nothing (or 0). */
export interface MetricsProbes {
  cluster?: Cluster
  /** Open libp2p connections (by transport and direction). */
  connections?: () => ConnectionInfo[]
  /** The identify agent version of each connected peer (undefined before identify ran). */
  peerAgents?: () => Promise<Array<string | undefined>>
  reservations?: () => number
  pubsubTopics?: () => number
  blocksCached?: () => number
  /** The data directory, whose filesystem's free and total bytes are exported (alert: disk nearly full). */
  dataDir?: string
  /** Stored blocks found corrupt since start. */
  corruptBlocks?: () => number
  /** Storage backends: health, probe latency, bytes and copies held. */
  storage?: StorageManager
  /** Search index size. */
  search?: RelaySearch
  /** The audit log's periodic verification. */
  audit?: AuditWatch
}

/** Process and Node runtime metrics, under the names every Prometheus client library uses. */
function processMetrics (registry: Registry): void {
  // no prefix: process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds are the names
  // Go clients (Kubo, Prometheus itself) and node_exporter-style dashboards use, and nodejs_* is prom-client's own
  // standard; the job and instance labels tell services apart, not a prefix (docs/MONITORING.md)
  collectDefaultMetrics({ register: registry })
  // prom-client names these gauges *_total, which Prometheus' own linter (promtool check metrics) rejects
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
    registry.removeSingleMetric(`nodejs_${name}`)
  }
}

/** Gauges for the node's own state: libp2p, blocks, disk. */
function nodeMetrics (registry: Registry, probes: MetricsProbes): void {
  connectionMetrics(registry, { connections: probes.connections ?? (() => []), peerAgents: probes.peerAgents ?? (async () => []) })
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
}

/**
 * Create the metrics. Gauges read live state when scraped (`collect`), so nothing polls; the storage backends'
 * probes are rate-limited (`storage/metrics.ts`). Every name is listed in docs/MONITORING.md.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ connections: () => libp2p.getConnections(), dataDir })
 * ```
 */
export function createMetrics (probes: MetricsProbes = {}): RelayMetrics {
  const registry = new Registry()
  processMetrics(registry)
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
  nodeMetrics(registry, probes)
  if (probes.cluster !== undefined) clusterMetrics(registry, probes.cluster)
  if (probes.storage !== undefined) storageMetrics(registry, probes.storage)
  if (probes.search !== undefined) searchMetrics(registry, probes.search)
  if (probes.audit !== undefined) auditMetrics(registry, probes.audit)
  return { registry, httpDuration, httpBytesIn, httpBytesOut, events, wsClients }
}
