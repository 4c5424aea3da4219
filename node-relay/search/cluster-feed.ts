import type { RelaySearch } from './relay-search.ts'
import type { MetadataValue } from '../../core/search/types.ts'

/** What the feed reads of a cluster pin (the cluster's replicated pinset entries have these fields). */
export interface ReplicatedPin {
  cid: string
  name: string
  tags: string[]
  metadata: Record<string, MetadataValue>
  addedAt: number
}

/** A replicated pinset: the relay's `Cluster` is one. */
export interface ReplicatedPinset {
  pins: () => ReplicatedPin[]
}

/** Note on documents indexed from the cluster's metadata only. */
export const CLUSTER_NOTE = 'cluster pin: indexed by its replicated metadata (content not read on this peer)'

/**
 * Index what the whole cluster holds, not only this peer: every pin in the replicated pinset that the index lacks
 * gets a metadata-only document (name, tags, metadata, time), so each peer can search the cluster's content. When the
 * content arrives here (`pin:added`), the normal path replaces it with the full document and its text. Pins that
 * leave the pinset and were indexed from metadata only are removed. Runs now and every `intervalMs`.
 *
 * @returns the function that stops following
 */
export function followClusterPins (search: RelaySearch, pinset: ReplicatedPinset, options: { intervalMs?: number } = {}): () => void {
  const fromCluster = new Set<string>()
  const sync = async (): Promise<void> => {
    const pins = pinset.pins()
    const current = new Set(pins.map(pin => pin.cid))
    for (const pin of pins) {
      if (search.index.has(pin.cid)) continue
      await search.indexDocument({ cid: pin.cid, name: pin.name, tags: pin.tags, metadata: pin.metadata, addedAt: pin.addedAt, textStatus: 'skipped', textNote: CLUSTER_NOTE })
      fromCluster.add(pin.cid)
    }
    for (const cid of fromCluster) {
      if (current.has(cid)) continue
      fromCluster.delete(cid)
      if (search.index.get(cid)?.textNote === CLUSTER_NOTE) await search.removeCid(cid)
    }
  }
  search.schedule(sync)
  const timer = setInterval(() => { search.schedule(sync) }, options.intervalMs ?? 5_000)
  timer.unref()
  return () => { clearInterval(timer) }
}
