import { ContentStore } from '../core/content/content-store.ts'
import { EventBus } from '../core/events/bus.ts'
import { provideWhatIsPinned } from './public-network/provide.ts'
import { IpfsService } from '../core/service/ipfs-service.ts'
import { buildHttpServer } from './http/server.ts'
import { createMetrics } from './metrics.ts'
import { createRelayNode } from './node/create-node.ts'
import { reannouncer } from '../core/blocks/reannounce.ts'
import { Invitations } from './auth/invitations.ts'
import { NetworkBlockstore } from '../core/blocks/network.ts'
import { staticRoutes } from './http/routes/static.ts'
import { followClusterPins, startRelaySearch } from './search/index.ts'
import type { RelaySearch } from './search/index.ts'
import type { RelayConfig } from './config/schema.ts'
import type { RelayNode } from './node/create-node.ts'
import type { FastifyInstance } from 'fastify'
import { startRelayCluster } from './cluster/start-cluster.ts'
import type { Cluster } from '../core/cluster/index.ts'
import { startRelayStorage } from './storage/index.ts'
import { mirrorReferences } from './storage/mirror-refs.ts'
import { mirrorRegistry } from './registry/mirror-registry.ts'
import { FilecoinChainWatch } from './storage/filecoin/chain-watch.ts'
import { filecoinMetrics } from './storage/filecoin/metrics.ts'
import type { FilecoinBackend } from './storage/filecoin/backend.ts'
import { StatsSampler } from './stats/sampler.ts'
import { loadRegistryEmbedder } from './registry/registry-embedder.ts'
import { indexRegistry } from './registry/registry-search.ts'
import { registrySigning } from './registry/registry-signing.ts'
import { Registry } from '../core/registry/index.ts'
import { rehydrator } from './migration/rehydrate.ts'
import createMortice from 'mortice'
import { QuotaExceededError } from '../core/errors/index.ts'
import { formatBytes } from '../core/format/bytes.ts'
import { startRelayMigration } from './migration/start-migration.ts'
import { migrationMetrics } from './migration/metrics.ts'
import { KeyStore } from './auth/key-store.ts'
import { assertSafeBind } from './auth/safe-bind.ts'
import { WsTickets } from './auth/ws-tickets.ts'
import { AuditLog } from './audit/audit-log.ts'
import { AuditWatch } from './audit/audit-watch.ts'
import { loadTls } from './tls/load-tls.ts'
import { clearSpools, fileSpool } from './blocks/file-spool.ts'
import { CorruptBlocks } from './blocks/corruption.ts'
import { loadOrCreateSelfKey } from '@libp2p/config'
import { join } from 'node:path'
import { createRelayLogger } from './log/create-logger.ts'
import { listenQuietly } from './http/listen.ts'
import { keepNextTickShape } from './runtime/keep-next-tick-shape.ts'
import type { RelayStorage } from './storage/index.ts'
import type { RelayMigration } from './migration/start-migration.ts'
import type { StorageManager } from '../core/storage/index.ts'
import type { CID } from 'multiformats/cid'

/** A running relay. */
export interface Relay {
  config: RelayConfig
  node: RelayNode
  service: IpfsService
  events: EventBus
  http: FastifyInstance
  /** The cluster peer (absent when `cluster.enabled` is false). */
  cluster?: Cluster
  /** The search index (absent when `search.enabled` is false). */
  search?: RelaySearch
  /** Storage backends and the storage manager (`storage` config section). */
  storage: RelayStorage
  /** The migration controller (`migration` config section), unless disabled. */
  migration?: RelayMigration
  /** The model and dataset registry, mirrored through the cluster's state when the cluster runs. */
  registry: Registry
  /** The Filecoin chain watch, when `filecoin.rpcUrl` is configured. */
  filecoin?: FilecoinChainWatch
  /** The sampled recent history (`stats`). */
  stats: StatsSampler
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:8998` (`https://` with `http.tls`). */
  url: string
  /** Drain HTTP (in-flight requests finish, new ones get 503), then stop libp2p and close the stores. */
  stop: () => Promise<void>
}

/**
 * Start a relay: the libp2p/Helia node, the service layer over it, and the HTTP server. This is the one place the
 * relay's parts are wired together.
 *
 * @example
 * ```ts
 * const relay = await startRelay(await loadConfig({ flags: { 'http.port': 0 } }))
 * console.log(relay.url)
 * await relay.stop()
 * ```
 */
export async function startRelay (config: RelayConfig): Promise<Relay> {
  // a long-lived server (`start`, the MCP stdio server, cluster-dev): keep V8's fast path for process.nextTick
  // through idle periods; once per process
  keepNextTickShape()
  // what has started so far, undone in reverse when a later step fails: a failed start releases the repo lock,
  // the libp2p ports and every store, so the process can exit (or retry) at once
  const undo: Array<() => Promise<void> | void> = []
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse()) {
      try {
        await step()
      } catch {
        // best effort: the error that stopped the start is the one to report
      }
    }
  }
  try {
    return await assemble(config, undo)
  } catch (err) {
    await unwind()
    throw err
  }
}

async function assemble (config: RelayConfig, undo: Array<() => Promise<void> | void>): Promise<Relay> {
  const logger = createRelayLogger({ level: config.logLevel, format: config.logFormat })
  const tls = await loadTls(config)
  const node = await createRelayNode(config, { tls })
  undo.push(async () => { await node.stop() })
  const keys = await KeyStore.open(node.datastore)
  const invitations = await Invitations.open(node.datastore)
  undo.push(async () => { await keys.close() })
  assertSafeBind(config, keys.hasActiveKeys())
  const events = new EventBus()
  // set once the storage manager runs: content migrated off this disk is read back from where it went
  const late: { storage?: StorageManager, noteRead?: (target: CID | string) => void } = {}
  const blockstore = new NetworkBlockstore({
    local: node.blockstore,
    network: node.helia.blockstore,
    peerCount: () => node.libp2p.getConnections().length,
    routing: !config.network.offline,
    fetchTimeoutMs: config.network.fetchTimeoutMs,
    nudge: reannouncer(node.libp2p),
    fallback: { get: rehydrator(() => late.storage, node.blockstore), afterMs: 0 }
  })
  const corruption = new CorruptBlocks(join(config.dataDir, 'blocks'), join(config.dataDir, 'quarantine'), node.blockstore)
  const spoolDir = join(config.dataDir, 'spool')
  await clearSpools(spoolDir)
  const content = new ContentStore({
    blockstore,
    spool: fileSpool(spoolDir),
    maxBlockSize: config.blocks.maxBlockSize,
    // puts end in the fs blockstore's write (through Helia's, which keeps no bytes): a leaf's buffer is free once put
    reuseLeafBuffers: true,
    onCorruptBlock: async (cid) => {
      logger.error({ cid: cid.toString(), code: 'ERR_BLOCK_CORRUPT' }, 'corrupt block quarantined (a re-add, CAR import or block put of the right bytes repairs it)')
      await corruption.quarantine(cid).catch((err: unknown) => { logger.error({ cid: cid.toString(), code: 'ERR_STORAGE', err }, 'cannot quarantine a corrupt block') })
    }
  })
  // Kubo's GC lock: writes that end in a pin hold it shared, a garbage collection holds it alone
  const gcLock = createMortice({ name: 'ipfs-kit-gc', singleProcess: true })
  const service = new IpfsService({
    content,
    pins: node.helia.pins,
    datastore: node.datastore,
    pinWriteBatch: node.pinWrites,
    events,
    libp2p: node.libp2p,
    agentVersion: 'ipfs-kit-relay/0.1.0',
    onRead: target => { late.noteRead?.(target) },
    writeGuard: async (options) => gcLock.readLock(options),
    exclusiveGuard: async (options) => gcLock.writeLock(options),
    beforeAdd: async (knownBytes) => {
      const quota = config.blocks.quotaBytes
      if (quota === undefined) return
      const used = await node.fsBlockstore.usedBytes()
      if (used >= quota || used + (knownBytes ?? 0) > quota) {
        throw new QuotaExceededError(`this relay keeps at most ${formatBytes(quota)} of blocks (blocks.quotaBytes) and holds ${formatBytes(used)}: unpin content and run ipfs-kit gc, or raise the quota`)
      }
    }
  })
  const cluster = config.cluster.enabled ? await startRelayCluster({ config, node, service, events, log: message => { logger.warn(message) } }) : undefined
  if (cluster !== undefined) undo.push(async () => { await cluster.stop() })
  // the model and dataset registry, the same on every relay of the cluster; search may embed with a registered model
  // records are signed with this relay's peer key and those of other relays verified before they are applied; with
  // cluster.registryWriters set, only the records of those peers are (the registry's write scope in the cluster)
  const registry = await Registry.open({ datastore: node.datastore, ...await registrySigning(node.datastore), writers: config.cluster.registryWriters })
  const stopRegistryMirror = cluster === undefined ? undefined : await mirrorRegistry(registry, cluster)
  if (stopRegistryMirror !== undefined) undo.push(stopRegistryMirror)
  const registryModel = config.search.enabled && config.search.registryModel !== undefined
    ? await loadRegistryEmbedder({ registry, content: service, ref: config.search.registryModel, cacheDir: join(config.dataDir, 'models') })
    : undefined
  const search = config.search.enabled ? await startRelaySearch({ config, service, events, log: message => { logger.warn(message) }, ...(registryModel === undefined ? {} : { embedder: registryModel.embedder }) }) : undefined
  if (search !== undefined) undo.push(async () => { await search.stop() })
  // every peer can search what the whole cluster holds, by the pins' replicated metadata
  const stopClusterSearch = search !== undefined && cluster !== undefined ? followClusterPins(search, cluster) : undefined
  if (stopClusterSearch !== undefined) undo.push(stopClusterSearch)
  // registered models and datasets are found by their cards, tags and descriptions
  const stopRegistrySearch = search === undefined ? undefined : indexRegistry(search, registry, service)
  if (stopRegistrySearch !== undefined) undo.push(stopRegistrySearch)
  const storage = await startRelayStorage({ config, node, events })
  undo.push(async () => { await storage.stop() })
  late.storage = storage.manager
  // every relay of the cluster knows where copies on shared backends live
  const stopMirror = cluster === undefined ? undefined : await mirrorReferences(storage.manager.index, cluster, node.libp2p.peerId.toString(), storage.manager.localName)
  if (stopMirror !== undefined) undo.push(stopMirror)
  const migration = config.migration.enabled ? await startRelayMigration({ config, node, service, storage: storage.manager, events, cluster, gcLock, log: message => { logger.warn(message) } }) : undefined
  if (migration !== undefined) {
    undo.push(async () => { await migration.stop() })
    late.noteRead = target => { migration.catalog.noteRead(target) }
  }
  const audit = config.audit.enabled
    ? { log: await AuditLog.open({ dir: join(config.dataDir, 'audit'), privateKey: await loadOrCreateSelfKey(node.datastore), maxFileBytes: config.audit.maxFileBytes }), dir: join(config.dataDir, 'audit') }
    : undefined
  if (audit !== undefined) undo.push(async () => { await audit.log.close() })
  const auditWatch = audit === undefined
    ? undefined
    : new AuditWatch({
      ...audit,
      expectedPeerId: node.libp2p.peerId.toString(),
      intervalMs: config.audit.verifyIntervalMs,
      onResult: result => {
        if (result.problems === 0) return
        const first = result.report?.problems[0]
        logger.error({ problems: result.problems, first: first === undefined ? String(result.error) : `${first.file}:${first.line} ${first.kind}: ${first.message}` }, 'audit log verification failed')
      }
    })
  if (auditWatch !== undefined) undo.push(async () => { await auditWatch.stop() })
  const metrics = createMetrics({
    cluster,
    connections: () => node.libp2p.getConnections(),
    peerAgents: async () => Promise.all(node.libp2p.getPeers().map(async peerId => {
      const agent = (await node.libp2p.peerStore.get(peerId).catch(() => undefined))?.metadata.get('AgentVersion')
      return agent === undefined ? undefined : new TextDecoder().decode(agent)
    })),
    reservations: () => node.libp2p.services.relay?.reservations.size ?? 0,
    pubsubTopics: () => node.libp2p.services.pubsub.getTopics().length,
    blocksCached: () => node.blockstore.cachedBytes,
    dataDir: config.dataDir,
    corruptBlocks: () => corruption.report().seen,
    storage: storage.manager,
    search,
    audit: auditWatch
  })
  events.subscribe(event => { metrics.events.inc({ type: event.type }) })
  if (migration !== undefined) migrationMetrics(metrics.registry, migration.controller)
  // Filecoin chain analytics, when a Lotus/Forest endpoint is configured
  const filecoin = FilecoinChainWatch.fromConfig(config.filecoin, process.env)
  if (filecoin !== undefined) filecoinMetrics(metrics.registry, filecoin)
  // each filecoin backend's copies: proof states read from the PDP verifier every checkIntervalMs (and repaired, if asked)
  const filecoinBackends = storage.manager.list().filter((b): b is FilecoinBackend => b.kind === 'filecoin' && 'watch' in b)
  if (filecoinBackends.length > 0) {
    const { startCopyWatch } = await import('./storage/filecoin/copy-watch.ts')
    const { copyMetrics } = await import('./storage/filecoin/copy-metrics.ts')
    const stopCounting = copyMetrics(metrics.registry, filecoinBackends, events)
    undo.push(async () => { stopCounting() })
    undo.push(startCopyWatch(filecoinBackends, {
      ...(filecoin !== undefined && { lotus: filecoin.lotus }), log: logger, events,
      ...(migration !== undefined && { queue: { controller: migration.controller, storage: storage.manager } })
    }))
  }
  // the recent history dashboards draw, sampled from the same registry /metrics exports
  const stats = new StatsSampler({ registry: metrics.registry, intervalMs: config.http.statsIntervalMs })
  stats.start()
  undo.push(async () => { await stats.stop() })
  if (!config.network.offline) undo.push(provideWhatIsPinned(node.helia, events, () => { /* the reprovider tries again */ }))
  node.libp2p.addEventListener('peer:connect', evt => { events.emit({ type: 'peer:joined', peerId: evt.detail.toString() }) })
  node.libp2p.addEventListener('peer:disconnect', evt => { events.emit({ type: 'peer:left', peerId: evt.detail.toString() }) })

  let draining = false
  const http = await buildHttpServer({ service, events, config, metrics, logger, node, cluster, search, storage: storage.manager, migration, registry, filecoin, stats, auth: { keys, tickets: new WsTickets() }, invitations, audit, corruption, draining: () => draining }, tls)
  undo.push(async () => { await http.close() })
  staticRoutes(http)
  await listenQuietly(http, { host: config.http.host, port: config.http.port })
  auditWatch?.start()
  const address = http.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host
  let stopped: Promise<void> | undefined
  return {
    config,
    node,
    service,
    events,
    http,
    cluster,
    search,
    storage,
    migration,
    registry,
    filecoin,
    stats,
    url: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    stop: async () => {
      stopped ??= (async () => {
        draining = true
        // requests in flight finish; keep-alive connections are closed as soon as they go idle, and whatever is
        // still open after the drain timeout is cut
        const sweep = setInterval(() => { http.server.closeIdleConnections() }, 100)
        const cut = setTimeout(() => { http.server.closeAllConnections() }, config.http.drainTimeoutMs)
        try {
          await http.close()
        } finally {
          clearInterval(sweep)
          clearTimeout(cut)
        }
        stopMirror?.()
        stopRegistryMirror?.()
        await cluster?.stop()
        stopClusterSearch?.()
        stopRegistrySearch?.()
        await search?.stop()
        await migration?.stop()
        await storage.stop()
        await registry.close().catch(() => { /* the marker stays: the next start reads every record */ })
        await keys.close()
        await auditWatch?.stop()
        await audit?.log.close()
        await node.stop()
      })()
      return stopped
    }
  }
}
