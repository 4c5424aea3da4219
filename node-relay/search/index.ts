/**
 * @packageDocumentation
 *
 * The relay's search: a {@link RelaySearch} over the core search index, fed by the event bus (index on
 * `content:added`/`pin:added`, remove on `pin:removed`), snapshotted to `<dataDir>/search/` and loaded at start
 * without re-indexing; and the embedder choice (local ONNX model via `@huggingface/transformers`, or hashing).
 *
 * @example
 * ```ts
 * const search = await startRelaySearch({ config, service, events })
 * const { hits } = await search.search({ query: 'invoice', mode: 'hybrid' })
 * await search.stop()
 * ```
 */
import { join } from 'node:path'
import { createRelayEmbedder } from './create-embedder.ts'
import { RelaySearch } from './relay-search.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { Embedder } from '../../core/search/embedder.ts'

export { RelaySearch } from './relay-search.ts'
export type { RelaySearchInit, RelaySearchStats } from './relay-search.ts'
export { createRelayEmbedder } from './create-embedder.ts'
export { followClusterPins, CLUSTER_NOTE } from './cluster-feed.ts'
export type { ReplicatedPin, ReplicatedPinset } from './cluster-feed.ts'
// the model runner is imported on demand (createRelayEmbedder): loading ONNX Runtime costs startup time
export type { TransformersEmbedderInit } from './transformers-embedder.ts'

/** Start the relay's search as its config says (`search` section); data under `<dataDir>/search`. */
export async function startRelaySearch (init: { config: RelayConfig, service: IpfsService, events: EventBus, log?: (message: string) => void, embedder?: Embedder }): Promise<RelaySearch> {
  const { config } = init
  return RelaySearch.start({
    service: init.service,
    events: init.events,
    embedder: init.embedder ?? await createRelayEmbedder(config.search),
    dir: join(config.dataDir, 'search'),
    extractBytes: config.search.extractBytes,
    snapshotDelayMs: config.search.snapshotDelayMs,
    log: init.log ?? ((message) => { if (config.logLevel !== 'silent') console.error(message) })
  })
}
