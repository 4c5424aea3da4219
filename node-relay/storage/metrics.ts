import { Gauge } from 'prom-client'
import type { BackendReport, StorageManager } from '../../core/storage/index.ts'
import type { Registry } from 'prom-client'

/** What the storage gauges show, measured at most once per `minIntervalMs`. */
interface StorageSnapshot {
  backends: BackendReport[]
  /** Recorded copies per backend: their count and bytes, by state. */
  copies: Map<string, Map<string, { count: number, bytes: number }>>
}

/** Options of {@link storageMetrics}. */
export interface StorageMetricsOptions {
  /**
   * Probe backends and sum the reference index at most this often; scrapes in between read the last result, so a
   * 15 s scrape interval does not become a request to every backend every 15 s. Default 30 s.
   */
  minIntervalMs?: number
}

async function measure (manager: StorageManager): Promise<StorageSnapshot> {
  const backends = await manager.status()
  const copies = new Map<string, Map<string, { count: number, bytes: number }>>()
  for await (const reference of manager.index.all()) {
    const states = copies.get(reference.backend) ?? new Map<string, { count: number, bytes: number }>()
    const totals = states.get(reference.state) ?? { count: 0, bytes: 0 }
    totals.count += 1
    totals.bytes += reference.size
    states.set(reference.state, totals)
    copies.set(reference.backend, states)
  }
  return { backends, copies }
}

/**
 * The storage backends' gauges: `ipfs_kit_storage_backend_up` and `..._probe_duration_seconds` from each backend's
 * health probe, `ipfs_kit_storage_stored_bytes` and `ipfs_kit_storage_copies` from the reference index (what each
 * backend holds, by copy state: ok, corrupt, missing).
 */
export function storageMetrics (registry: Registry, manager: StorageManager, options: StorageMetricsOptions = {}): void {
  const minIntervalMs = options.minIntervalMs ?? 30_000
  let last: { at: number, snapshot: Promise<StorageSnapshot> } | undefined
  const snapshot = async (): Promise<StorageSnapshot> => {
    if (last === undefined || Date.now() - last.at >= minIntervalMs) {
      const measuring = measure(manager)
      last = { at: Date.now(), snapshot: measuring }
      // a failed measurement is not kept: the next scrape tries again
      measuring.catch(() => { last = undefined })
    }
    return last.snapshot
  }
  new Gauge({
    name: 'ipfs_kit_storage_backend_up',
    help: 'Whether the storage backend answered its last health probe (1) or not (0)',
    labelNames: ['backend', 'kind'] as const,
    registers: [registry],
    async collect () {
      this.reset()
      for (const b of (await snapshot()).backends) this.set({ backend: b.name, kind: b.kind }, b.status.healthy ? 1 : 0)
    }
  })
  new Gauge({
    name: 'ipfs_kit_storage_backend_probe_duration_seconds',
    help: 'How long the storage backend\'s last health probe took',
    labelNames: ['backend', 'kind'] as const,
    registers: [registry],
    async collect () {
      this.reset()
      for (const b of (await snapshot()).backends) this.set({ backend: b.name, kind: b.kind }, b.status.latencyMs / 1000)
    }
  })
  new Gauge({
    name: 'ipfs_kit_storage_stored_bytes',
    help: 'Bytes of content copies recorded on each storage backend (all states)',
    labelNames: ['backend'] as const,
    registers: [registry],
    async collect () {
      this.reset()
      const { backends, copies } = await snapshot()
      for (const b of backends) {
        let bytes = 0
        for (const totals of copies.get(b.name)?.values() ?? []) bytes += totals.bytes
        this.set({ backend: b.name }, bytes)
      }
    }
  })
  new Gauge({
    name: 'ipfs_kit_storage_copies',
    help: 'Content copies recorded on each storage backend, by state (ok, corrupt, missing)',
    labelNames: ['backend', 'state'] as const,
    registers: [registry],
    async collect () {
      this.reset()
      const { backends, copies } = await snapshot()
      for (const b of backends) {
        for (const state of ['ok', 'corrupt', 'missing']) this.set({ backend: b.name, state }, copies.get(b.name)?.get(state)?.count ?? 0)
      }
    }
  })
}
