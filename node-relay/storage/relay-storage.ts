import { ReferenceIndex, StorageManager } from '../../core/storage/index.ts'
import { createBackend } from './factories.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { StorageBackend } from '../../core/storage/index.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { RelayNode } from '../node/create-node.ts'

/** The relay's storage: the manager over every configured backend. */
export interface RelayStorage {
  manager: StorageManager
  /** Release every backend's connections. */
  stop: () => Promise<void>
}

/** What {@link startRelayStorage} needs. */
export interface RelayStorageComponents {
  config: RelayConfig
  node: RelayNode
  events: EventBus
  /** Where secrets are read from (default `process.env`). */
  env?: Record<string, string | undefined>
}

/**
 * Build the storage manager from `config.storage`: one backend per entry (the local one is added as `local` when
 * the config does not list it), the reference index in the relay's datastore, events on the relay's bus.
 *
 * @example
 * ```ts
 * const storage = await startRelayStorage({ config, node, events })
 * await storage.manager.put(cid, { to: ['s3'] })
 * ```
 */
export async function startRelayStorage (components: RelayStorageComponents): Promise<RelayStorage> {
  const { config, node, events } = components
  const ctx = { config, node, events, env: components.env ?? process.env }
  const entries = config.storage.backends.some(b => b.kind === 'local') ? config.storage.backends : [{ kind: 'local' as const, name: 'local' }, ...config.storage.backends]
  const built: StorageBackend[] = []
  for (const entry of entries) built.push(await createBackend(entry, ctx))
  const local = built.find(b => b.kind === 'local')
  if (local === undefined) throw new Error('unreachable: a local backend is always configured')
  const manager = new StorageManager({
    local,
    localBlocks: node.blockstore,
    backends: built.filter(b => b !== local),
    index: new ReferenceIndex({ datastore: node.datastore }),
    events,
    policy: config.storage.placement,
    maxBytes: config.storage.maxBytes,
    statusTimeoutMs: config.storage.statusTimeoutMs
  })
  return {
    manager,
    stop: async () => { await Promise.all(built.map(async b => { await b.stop?.() })) }
  }
}
