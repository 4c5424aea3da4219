/**
 * @packageDocumentation
 *
 * The MCP (Model Context Protocol) server: every ipfs-kit capability as tools for LLM agents, built over the same
 * `IpfsService` the REST API calls, so no operation is implemented twice. `buildMcpServer` has no side effects
 * (no transport, no listeners); the transports are chosen at the edge: stdio (`runMcpStdio`, `ipfs-kit mcp`) or
 * Streamable HTTP at `/mcp` on the relay (`mcpRoutes`).
 *
 * @example
 * ```ts
 * const server = buildMcpServer({ service: relay.service, localFiles: true })
 * const stopWatching = notifyPinChanges(server, relay.events)
 * await server.connect(new StdioServerTransport())
 * ```
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { DEFAULT_MAX_INLINE_BYTES } from './context.ts'
import { registerResources } from './resources.ts'
import { checkToolScopes } from './tool-scopes.ts'
import type { ToolAuditor } from './tool-scopes.ts'
import type { Scope } from '../../core/auth/scopes.ts'
import { registerOperationTools } from './operation-tools.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { McpToolContext } from './context.ts'
import type { UnexpectedErrorListener } from './tool-result.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { RelaySearch } from '../search/relay-search.ts'
import type { StorageManager } from '../../core/storage/index.ts'
import type { KeyStore } from '../auth/key-store.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import type { Invitations } from '../auth/invitations.ts'
import type { RelayMigration } from '../migration/start-migration.ts'
import type { Registry } from '../../core/registry/index.ts'
import type { FilecoinChainWatch } from '../storage/filecoin/chain-watch.ts'
import type { StatsSampler } from '../stats/sampler.ts'

export { notifyPinChanges } from './resources.ts'
export { ERROR_META_KEY } from './tool-result.ts'

/** What {@link buildMcpServer} needs. */
export interface McpServerInit {
  /** The service layer every tool calls. */
  service: IpfsService
  /** Allow `path` arguments (read and write local files): only for a server on the agent's own machine. Default false. */
  localFiles?: boolean
  /** Largest payload returned inline (cat pages, blocks, CARs, resources). Default 1 MiB. */
  maxInlineBytes?: number
  /** Base URL of the relay's HTTP API, quoted when a download is too big to inline. */
  httpUrl?: string
  /** Told about errors that are not ipfs-kit's own (for the log); the caller still gets an `isError` result. */
  onUnexpectedError?: UnexpectedErrorListener
  /** The search index; when given, the `search` tool is registered. */
  search?: RelaySearch
  /** The storage manager; when given, `backend_list`, `backend_status`, `storage_put`, `storage_get`, `storage_fetch` and `storage_refs` are registered. */
  storage?: StorageManager
  /** The cluster peer; when given, `cluster_status`, `cluster_peers` and `cluster_pin` are registered. */
  cluster?: Cluster
  /** Server version reported at initialisation. */
  version?: string
  /** The caller's scopes (an API key's); when given, each tool is checked against them (node-relay/auth/tool-scopes.ts). */
  scopes?: readonly Scope[]
  /** Who the scopes belong to, for denial messages. */
  principalName?: string
  /** Told after each call of a tool that changes something (the audit log). */
  audit?: ToolAuditor
  /** How long `pin_add` may take to fetch what it is missing. */
  pinTimeoutMs?: number
  /** API keys; when given, `key_list`, `key_create` and `key_revoke` are registered (scope `admin`). */
  keys?: KeyStore
  /** The audit log; when given, `audit_log` and `audit_verify` are registered (scope `admin`). */
  auditLog?: { log: AuditLog, dir: string }
  /** Cluster invitations; when given (with the cluster), the invitation tools are registered. */
  invitations?: Invitations
  /** The migration controller; when given, the migration and policy tools are registered. */
  migration?: RelayMigration
  /** The model and dataset registry; when given, the registry tools are registered. */
  registry?: Registry
  /** The Filecoin chain watch; when given, the Filecoin tools are registered. */
  filecoin?: FilecoinChainWatch
  /** The sampled recent history; when given, the `stats` tool is registered. */
  stats?: StatsSampler
  /** The cluster's shared secret, for `cluster_join`. */
  clusterSecret?: string
}

const INSTRUCTIONS = 'ipfs-kit is a content-addressed store (IPFS). Content is named by its CID, derived from its bytes: ' +
  'ipfs_add returns the CID, ipfs_cat/ipfs_ls/ipfs_stat read by CID, and every byte read is verified against it. ' +
  'Pinned content is kept (pin_add/pin_rm/pin_ls). dag_get/dag_put read and write structured IPLD data as JSON. ' +
  'Failed calls return isError with a stable code first in the text (ERR_NOT_FOUND, ERR_INVALID_CID, ERR_TOO_LARGE, ...). ' +
  'Large files are read in pages: follow nextOffset.'

/**
 * Build an MCP server with every tool and resource registered, not yet connected. Pair it with
 * {@link notifyPinChanges} to send resource list changes.
 */
export function buildMcpServer (init: McpServerInit): McpServer {
  const ctx: McpToolContext = {
    service: init.service,
    localFiles: init.localFiles ?? false,
    maxInlineBytes: init.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES,
    httpUrl: init.httpUrl,
    onUnexpectedError: init.onUnexpectedError
  }
  const server = new McpServer(
    { name: 'ipfs-kit', title: 'ipfs-kit', version: init.version ?? '0.1.0' },
    { instructions: INSTRUCTIONS }
  )
  if (init.scopes !== undefined || init.audit !== undefined) checkToolScopes(server, init.scopes ?? ['*'], init.principalName ?? 'caller', init.audit)
  registerOperationTools(server, {
    service: init.service, search: init.search, storage: init.storage, cluster: init.cluster, keys: init.keys, audit: init.auditLog, invitations: init.invitations, migration: init.migration, registry: init.registry, filecoin: init.filecoin, stats: init.stats, clusterSecret: init.clusterSecret, pinTimeoutMs: init.pinTimeoutMs
  }, {
    caller: { scopes: init.scopes, name: init.principalName },
    onUnexpected: init.onUnexpectedError,
    maxInlineBytes: ctx.maxInlineBytes,
    localFiles: ctx.localFiles,
    httpUrl: ctx.httpUrl
  })
  registerResources(server, ctx)
  return server
}
