import type {} from './fastify-types.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { RelayMetrics } from '../metrics.ts'
import type { RelayNode } from '../node/create-node.ts'
import type { RelaySearch } from '../search/relay-search.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { StorageManager } from '../../core/storage/index.ts'
import type { KeyStore } from '../auth/key-store.ts'
import type { WsTickets } from '../auth/ws-tickets.ts'
import type { Invitations } from '../auth/invitations.ts'
import type { RelayMigration } from '../migration/start-migration.ts'
import type { Registry } from '../../core/registry/index.ts'
import type { FilecoinChainWatch } from '../storage/filecoin/chain-watch.ts'
import type { StatsSampler } from '../stats/sampler.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import type { Logger } from 'pino'

/** Everything the HTTP routes use: passed to each route module, never reached through globals. */
export interface HttpContext {
  service: IpfsService
  events: EventBus
  config: RelayConfig
  metrics: RelayMetrics
  /** The relay's logger (default: one made from `config.logLevel` and `config.logFormat`). */
  logger?: Logger
  /** Absent in tests that run the API over a bare content store. */
  node?: RelayNode
  /** The relay's cluster peer, when the cluster is enabled. */
  cluster?: Cluster
  /** The relay's search index, when `search.enabled`. */
  search?: RelaySearch
  /** The storage manager over the configured backends (absent in tests over a bare content store). */
  storage?: StorageManager
  /** API keys and `/ws` tickets; absent in tests over a bare content store (then no route checks keys). */
  auth?: { keys: KeyStore, tickets: WsTickets }
  /** Cluster invitations for browser tabs (absent over a bare content store). */
  invitations?: Invitations
  /** The migration controller, its policies and planner (absent when disabled). */
  migration?: RelayMigration
  /** The model and dataset registry. */
  registry?: Registry
  /** The Filecoin chain watch, when `filecoin.rpcUrl` is configured. */
  filecoin?: FilecoinChainWatch
  /** The sampled recent history. */
  stats?: StatsSampler
  /** The audit log (absent when `audit.enabled` is false, or in tests over a bare content store). */
  audit?: { log: AuditLog, dir: string }
  /** Stored blocks found corrupt (quarantined), for `/health`. */
  corruption?: { report: () => { seen: number, recent: string[] } }
  /** True once SIGTERM began draining: /health turns not-ready. */
  draining: () => boolean
}
