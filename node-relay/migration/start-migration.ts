import { CID } from 'multiformats/cid'
import { InvalidInputError, NotFoundError } from '../../core/errors/index.ts'
import { ContentCatalog, MigrationController, PolicyStore, collectGarbage, plan } from '../../core/migration/index.ts'
import { mimeFromName } from '../../core/search/mime.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { ContentItem, GcReport, Job, Plan, RetentionRule } from '../../core/migration/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { StorageManager } from '../../core/storage/index.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { RelayNode } from '../node/create-node.ts'

/** Which content a plan looks at: every pinned or recorded CID, or some; every policy, or some. */
export interface PlanScope extends AbortOptions {
  policies?: string[]
  cids?: string[]
}

/** The relay's migration controller with its policies, catalog and planner. */
export interface RelayMigration {
  controller: MigrationController
  policies: PolicyStore
  catalog: ContentCatalog
  retention: () => readonly RetentionRule[]
  /** A plan by the policies in force (changes nothing). */
  plan: (scope?: PlanScope) => Promise<Plan>
  /** Plan, then queue the plan's items as jobs. */
  run: (scope?: PlanScope) => Promise<{ plan: Plan, jobs: Job[] }>
  /** What the matchers see of one CID. */
  item: (cid: string, options?: AbortOptions) => Promise<ContentItem | undefined>
  /** Collect the blockstore's garbage: every block no pin keeps. */
  collect: (options?: AbortOptions) => Promise<GcReport>
  stop: () => Promise<void>
}

/** What {@link startRelayMigration} needs. */
export interface RelayMigrationParts {
  config: RelayConfig
  node: RelayNode
  service: IpfsService
  storage: StorageManager
  events: EventBus
  cluster?: Cluster
  /** Where problems are reported (default: stderr). */
  log?: (message: string) => void
  /** The relay's GC lock (writes hold it shared; a collection holds it alone). */
  gcLock: { readLock: () => Promise<() => void>, writeLock: () => Promise<() => void> }
}

function tagsOf (metadata: Record<string, string | number | boolean>): string[] {
  const raw = metadata.tags
  return typeof raw === 'string' ? raw.split(',').map(t => t.trim()).filter(t => t !== '') : []
}

/**
 * Start the migration controller on the relay: policies from the config and the datastore, the catalog fed by pin
 * events and reads, jobs resumed from the datastore, and (when `migration.intervalMs` is set) a timer that plans
 * and queues by the policies.
 */
export async function startRelayMigration (parts: RelayMigrationParts): Promise<RelayMigration> {
  const { config, node, service, storage, events, cluster, gcLock } = parts
  const LOCAL = storage.localName
  const settings = config.migration
  const known = new Set(storage.list().map(b => b.name))
  for (const policy of settings.policies) {
    for (const name of [...(policy.to ?? []), ...(policy.from === undefined ? [] : [policy.from])]) {
      if (!known.has(name)) throw new InvalidInputError(`migration.policies: policy "${policy.name}" names unknown backend "${name}" (configured: ${[...known].join(', ')})`)
    }
  }
  const catalog = new ContentCatalog({ datastore: node.datastore })
  catalog.start()
  const policies = new PolicyStore({ datastore: node.datastore, config: settings.policies })
  await policies.load()
  const offEvents = events.subscribe(event => {
    if (event.type === 'pin:added') catalog.noteAdded(event.cid, { ...(event.name === undefined ? {} : { name: event.name }) })
  })
  const sizes = new Map<string, number>()

  const sizeOf = async (cid: CID, options: AbortOptions): Promise<number> => {
    const key = cid.toV1().toString()
    const cached = sizes.get(key)
    if (cached !== undefined) return cached
    const size = await service.stat(cid, options).then(s => s.size, () => 0)
    sizes.set(key, size)
    return size
  }

  /** Every pinned or recorded CID as the matchers see it. */
  const items = async (scope: PlanScope = {}): Promise<ContentItem[]> => {
    const wanted = scope.cids === undefined ? undefined : new Set(scope.cids.map(c => CID.parse(c).toV1().toString()))
    const one = wanted?.size === 1 ? CID.parse([...wanted][0] ?? '') : undefined
    const refs = new Map<string, Array<{ backend: string, size: number }>>()
    const recorded = one === undefined ? storage.index.all({ signal: scope.signal }) : await storage.index.get(one, { signal: scope.signal })
    for await (const ref of recorded) {
      if (ref.state !== 'ok') continue
      const cid = CID.parse(ref.cid).toV1().toString()
      if (wanted !== undefined && !wanted.has(cid)) continue
      refs.set(cid, [...(refs.get(cid) ?? []), { backend: ref.backend, size: ref.size }])
    }
    const out = new Map<string, ContentItem>()
    for await (const pin of service.pinLs({ signal: scope.signal, ...(one === undefined ? {} : { cid: one }) })) {
      const cid = pin.cid.toV1().toString()
      if (wanted !== undefined && !wanted.has(cid)) continue
      const dates = await catalog.get(cid)
      const size = await sizeOf(pin.cid, scope)
      const copies = refs.get(cid) ?? []
      const mime = typeof pin.metadata.mime === 'string' ? pin.metadata.mime : mimeFromName(pin.name) ?? ''
      out.set(cid, {
        cid, name: pin.name, tags: tagsOf(pin.metadata), mime, size,
        ...(dates.addedAt === undefined ? {} : { addedAt: dates.addedAt }),
        ...(dates.lastReadAt === undefined ? {} : { lastReadAt: dates.lastReadAt }),
        // pinned here is a local copy, recorded or not (adds do not go through the storage manager)
        copies: copies.some(c => c.backend === LOCAL) ? copies : [{ backend: LOCAL, size }, ...copies]
      })
    }
    // content that lives only on other backends now (moved away): known by its references and the catalog
    for (const [cid, copies] of refs) {
      if (out.has(cid)) continue
      const dates = await catalog.get(cid)
      const name = dates.name ?? ''
      out.set(cid, {
        cid, name, tags: dates.tags ?? [], mime: mimeFromName(name) ?? '', size: Math.max(...copies.map(c => c.size)),
        ...(dates.addedAt === undefined ? {} : { addedAt: dates.addedAt }),
        ...(dates.lastReadAt === undefined ? {} : { lastReadAt: dates.lastReadAt }),
        copies
      })
    }
    return [...out.values()]
  }

  const item = async (cid: string, options: AbortOptions = {}): Promise<ContentItem | undefined> => (await items({ ...options, cids: [cid] }))[0]

  const controller = new MigrationController({
    storage,
    localBlocks: node.blockstore,
    datastore: node.datastore,
    item,
    retention: () => settings.retention,
    unpinLocal: async (cid, options) => { await service.pinRm(cid, options) },
    writeGuard: async () => gcLock.readLock(),
    ...(cluster === undefined
      ? {}
      : {
          unpinCluster: async (cid: CID, options?: AbortOptions) => { if (cluster.pins().some(p => CID.parse(p.cid).toV1().equals(cid.toV1()))) await cluster.unpin(cid, options) },
          mustKeepLocal: (cid: string) => cluster.pins().some(p => CID.parse(p.cid).toV1().toString() === cid && p.allocations.includes(node.libp2p.peerId.toString()))
        }),
    events
  }, { concurrencyPerBackend: settings.concurrencyPerBackend, maxAttempts: settings.maxAttempts, retryBaseMs: settings.retryBaseMs, local: LOCAL })
  await controller.start()

  const planNow = async (scope: PlanScope = {}): Promise<Plan> => {
    const chosen = scope.policies === undefined
      ? policies.policies()
      : scope.policies.map(name => {
        const found = policies.policies().find(p => p.name === name)
        if (found === undefined) throw new NotFoundError(`no policy named "${name}"`)
        return { ...found, enabled: true }
      })
    return plan({
      policies: chosen,
      items: await items(scope),
      backends: storage.list().map(b => ({ name: b.name, cost: b.cost, capabilities: b.capabilities })),
      local: LOCAL,
      now: Date.now()
    })
  }
  const run = async (scope: PlanScope = {}): Promise<{ plan: Plan, jobs: Job[] }> => {
    const planned = await planNow(scope)
    return { plan: planned, jobs: await controller.enqueue(planned.items) }
  }

  let timer: ReturnType<typeof setInterval> | undefined
  if (settings.intervalMs > 0) {
    timer = setInterval(() => {
      if (controller.isPaused || policies.policies().length === 0) return
      void run().catch((err: unknown) => { (parts.log ?? console.warn)(`migration: planning by the policies failed: ${err instanceof Error ? err.message : String(err)}`) })
    }, settings.intervalMs)
    timer.unref()
  }

  return {
    controller,
    policies,
    catalog,
    retention: () => settings.retention,
    plan: planNow,
    run,
    item,
    collect: async (options = {}) => {
      const report = await collectGarbage({
        list: o => node.fsBlockstore.list(o),
        isPinned: async (cid, o) => node.helia.pins.isPinned(cid, o),
        delete: async (cid, o) => { await node.blockstore.delete(cid, o) },
        lock: { writeLock: async () => gcLock.writeLock() }
      }, options)
      await node.fsBlockstore.recount() // the quota's count, without double counts
      return report
    },
    stop: async () => {
      clearInterval(timer)
      offEvents()
      await controller.stop()
      await catalog.stop()
    }
  }
}
