import { stat } from 'node:fs/promises'
import { Gauge } from 'prom-client'
import type { RelaySearch } from './relay-search.ts'
import type { Registry } from 'prom-client'

async function fileSize (path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0 // not saved yet
  }
}

/**
 * The search index's gauges: `ipfs_kit_search_documents` (documents indexed) and `ipfs_kit_search_snapshot_bytes`
 * (the size of its snapshot on disk, which is what a restart loads).
 */
export function searchMetrics (registry: Registry, search: RelaySearch): void {
  new Gauge({ name: 'ipfs_kit_search_documents', help: 'Documents in the search index', registers: [registry], collect () { this.set(search.stats().documents) } })
  new Gauge({
    name: 'ipfs_kit_search_snapshot_bytes',
    help: 'Size of the search index snapshot on disk',
    registers: [registry],
    async collect () { this.set(await fileSize(search.snapshotPath)) }
  })
}
