/**
 * The relay's recent history for dashboards: every `intervalMs` it reads its own Prometheus registry (the figures
 * `/metrics` exports, measured once) and keeps a compact sample in a bounded ring: request rate and mean latency,
 * bytes in and out, peers by kind, connections by transport, pins by state, bytes per backend and whether each is
 * up, migration jobs by state, search documents. Counters become rates between two samples.
 */
import type { Registry } from 'prom-client'
import type { StatsSample } from '../../core/stats/sample.ts'

export type { StatsSample }

interface MetricValue { value: number, labels: Record<string, string | number>, metricName?: string }
interface MetricJson { name: string, values: MetricValue[] }

/** The metrics a sample is made of, and the only ones the sampler reads. */
export const SAMPLED_METRICS = [
  'ipfs_kit_http_request_duration_seconds',
  'ipfs_kit_http_request_bytes_total',
  'ipfs_kit_http_response_bytes_total',
  'ipfs_kit_libp2p_peers',
  'ipfs_kit_libp2p_connections',
  'ipfs_kit_cluster_local_pin_states',
  'ipfs_kit_storage_stored_bytes',
  'ipfs_kit_storage_backend_up',
  'ipfs_kit_migration_jobs',
  'ipfs_kit_search_documents'
] as const

/** Cumulative counters, kept to turn the next sample's into rates. */
interface Totals { at: number, requests: number, durationSeconds: number, bytesIn: number, bytesOut: number }

function sum (metric: MetricJson | undefined, suffix?: string): number {
  return (metric?.values ?? []).filter(v => suffix === undefined || v.metricName === `${metric?.name ?? ''}${suffix}`).reduce((n, v) => n + v.value, 0)
}

function byLabel (metric: MetricJson | undefined, label: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of metric?.values ?? []) {
    const key = String(v.labels[label] ?? 'all')
    out[key] = (out[key] ?? 0) + v.value
  }
  return out
}

/** See the module comment. */
export class StatsSampler {
  readonly intervalMs: number
  private readonly registry: Registry
  private readonly capacity: number
  private readonly ring: StatsSample[] = []
  private last: Totals | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private sampling: Promise<void> | undefined

  constructor (init: { registry: Registry, intervalMs?: number, capacity?: number }) {
    this.registry = init.registry
    this.intervalMs = init.intervalMs ?? 5_000
    this.capacity = init.capacity ?? 360
  }

  /** Take a first sample now and one every interval. */
  start (): void {
    if (this.timer !== undefined) return
    void this.sample()
    this.timer = setInterval(() => { void this.sample() }, this.intervalMs)
    this.timer.unref?.()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.sampling
  }

  /** The samples, oldest first; `since` keeps only those taken after it. */
  samples (since = 0): StatsSample[] {
    return this.ring.filter(s => s.at > since)
  }

  /** Read the registry once and append a sample (one at a time; a call during a read waits for it). */
  async sample (): Promise<void> {
    this.sampling ??= this.read().catch(() => {}).finally(() => { this.sampling = undefined })
    await this.sampling
  }

  /**
   * Read only the metrics a sample shows: `getMetricsAsJSON()` would run every gauge's collect hook, among them
   * Filecoin RPC calls and backend probes that the dashboard does not draw.
   */
  private async readMetrics (): Promise<Map<string, MetricJson>> {
    const read = await Promise.all(SAMPLED_METRICS.map(async name => {
      const metric = this.registry.getSingleMetric(name)
      return metric === undefined ? undefined : await metric.get() as unknown as MetricJson
    }))
    return new Map(read.filter((m): m is MetricJson => m !== undefined).map(m => [m.name, m]))
  }

  private async read (): Promise<void> {
    const metrics = await this.readMetrics()
    const at = Date.now()
    const duration = metrics.get('ipfs_kit_http_request_duration_seconds')
    const totals: Totals = {
      at,
      requests: sum(duration, '_count'),
      durationSeconds: sum(duration, '_sum'),
      bytesIn: sum(metrics.get('ipfs_kit_http_request_bytes_total')),
      bytesOut: sum(metrics.get('ipfs_kit_http_response_bytes_total'))
    }
    const last = this.last
    const seconds = last === undefined ? 0 : Math.max(0.001, (at - last.at) / 1000)
    const rate = (now: number, before: number | undefined): number => last === undefined || before === undefined ? 0 : Math.max(0, now - before) / seconds
    const requests = last === undefined ? 0 : Math.max(0, totals.requests - last.requests)
    this.ring.push({
      at,
      requestsPerSecond: rate(totals.requests, last?.requests),
      meanLatencyMs: requests === 0 ? 0 : (Math.max(0, totals.durationSeconds - (last?.durationSeconds ?? 0)) / requests) * 1000,
      bytesInPerSecond: rate(totals.bytesIn, last?.bytesIn),
      bytesOutPerSecond: rate(totals.bytesOut, last?.bytesOut),
      peers: byLabel(metrics.get('ipfs_kit_libp2p_peers'), 'kind'),
      connections: byLabel(metrics.get('ipfs_kit_libp2p_connections'), 'transport'),
      pins: byLabel(metrics.get('ipfs_kit_cluster_local_pin_states'), 'state'),
      storageBytes: byLabel(metrics.get('ipfs_kit_storage_stored_bytes'), 'backend'),
      backendsUp: byLabel(metrics.get('ipfs_kit_storage_backend_up'), 'backend'),
      migrationJobs: byLabel(metrics.get('ipfs_kit_migration_jobs'), 'state'),
      searchDocuments: sum(metrics.get('ipfs_kit_search_documents'))
    })
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity)
    this.last = totals
  }
}
