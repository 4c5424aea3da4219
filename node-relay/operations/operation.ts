/**
 * @packageDocumentation
 *
 * The operation table: every thing the relay can do for a caller is written once, as an {@link Operation}, and the
 * surfaces (REST in node-relay/http/operation-routes.ts, MCP in node-relay/mcp/operation-tools.ts, the CLI in
 * node-relay/cli/operation-commands.ts) are adapters that register every operation of {@link OPERATIONS} from its
 * definition: the same schemas, the same scope, the same errors, the same abort signal. Adding a capability is one
 * file here plus its example in the parity test.
 */
import type { RelayMigration } from '../migration/start-migration.ts'
import type { z } from 'zod'
import type { Scope } from '../../core/auth/scopes.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { StorageManager } from '../../core/storage/index.ts'
import type { RelaySearch } from '../search/relay-search.ts'
import type { KeyStore } from '../auth/key-store.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import type { Invitations } from '../auth/invitations.ts'
import type { AddEntry } from '../../core/content/types.ts'
import type { Registry } from '../../core/registry/index.ts'
import type { FilecoinChainWatch } from '../storage/filecoin/chain-watch.ts'
import type { StatsSampler } from '../stats/sampler.ts'

/** What operations may use; each operation reads only what it names in {@link Operation.requires}. */
export interface OperationComponents {
  /** The one service layer (blocks, content, pins, peers). */
  service: IpfsService
  /** The relay's cluster peer, when the cluster is enabled. */
  cluster?: Cluster
  /** The storage manager over the configured backends. */
  storage?: StorageManager
  /** The relay's search index, when search is enabled. */
  search?: RelaySearch
  /** API keys (absent over a bare content store). */
  keys?: KeyStore
  /** The audit log and its directory, when enabled. */
  audit?: { log: AuditLog, dir: string }
  /** How long a pin may take to fetch what it is missing (`network.pinTimeoutMs`). */
  pinTimeoutMs?: number
  /** Cluster invitations for browser tabs (absent over a bare content store). */
  invitations?: Invitations
  /** The cluster's shared secret, handed to a tab that redeems an invitation (absent: a solo or trusted-peers cluster). */
  clusterSecret?: string
  /** The migration controller, its policies and planner (absent when `migration.enabled` is false). */
  migration?: RelayMigration
  /** The model and dataset registry (absent over a bare content store). */
  registry?: Registry
  /** The Filecoin chain watch (absent unless `filecoin.rpcUrl` is configured). */
  filecoin?: FilecoinChainWatch
  /** The relay's sampled recent history (absent over a bare content store). */
  stats?: StatsSampler
}

/** The scope an operation needs: one of core/auth/scopes.ts, or `public` (anyone, with or without a key). */
export type OperationScope = Scope | 'public'

/** A component an operation cannot run without (the surfaces answer a typed error, or hide the tool, when absent). */
export type Requirement = 'cluster' | 'storage' | 'search' | 'keys' | 'audit' | 'invitations' | 'migration' | 'registry' | 'filecoin' | 'stats'

/** What a run receives besides its input. */
export interface RunOptions {
  /** Aborted when the caller goes away (HTTP client closed, MCP call cancelled, CLI interrupted). */
  signal: AbortSignal
  /**
   * Demand a finer scope than the operation's own (e.g. `storage:s3:write` for each backend a placement names);
   * throws `ERR_FORBIDDEN` when the caller's key lacks it. A caller without a key (the local zero-config user) may.
   */
  demand: (scope: Scope) => void
  /** Who is calling, for records such as audit entries and key owners (the key's name, or undefined). */
  caller?: string
}

/** MCP's tool annotations, also shown in the docs. */
export interface OperationAnnotations {
  /** Changes nothing. */
  readOnly: boolean
  /** May remove or overwrite something. */
  destructive: boolean
  /** Calling twice with the same input has the effect of calling once. */
  idempotent: boolean
  /** Reaches beyond this node (peers, backends). */
  openWorld: boolean
}

/** How the REST adapter serves an operation. */
export interface RestBinding {
  method: 'GET' | 'POST' | 'DELETE'
  /** Fastify path under the API, e.g. `/api/v1/pins/:cid`; `:params` are input fields. */
  path: string
  /**
   * Also serve `<path>/*`, the rest of the URL joined to the last path parameter: `/api/v1/ls/<cid>/docs/a` is
   * `{ cid: '<cid>/docs/a' }`.
   */
  subpath?: boolean
  /**
   * Status of a success: 200 (default) or 201; the output is always the JSON body (deletes too, as Kubo's RPC and
   * IPFS Cluster's API answer them), so every surface can show what was done.
   */
  status?: 200 | 201
  /** OpenAPI tag. */
  tag: string
}

/** How the CLI adapter offers an operation. */
export interface CliBinding<O = never> {
  /** Command words, e.g. `['pin', 'add']` for `ipfs-kit pin add`. */
  command: readonly string[]
  /** Input fields taken as positional arguments, in order (the others are `--options`). */
  args?: readonly string[]
  /** Option aliases, e.g. `{ name: 'n' }` for `-n`. */
  short?: Readonly<Record<string, string>>
  /** Flag names that differ from the field's kebab-case name, e.g. `{ metadata: 'meta' }` for `--meta`. */
  flags?: Readonly<Record<string, string>>
  /** Human lines for a result (`--json` prints the output itself); none: downloads, and custom commands. */
  lines?: (output: O) => string[]
  /** A result that reports a failure inside a success (a backend down, a placement failed): the CLI exits 1. */
  failed?: (output: O) => boolean
  /**
   * Offered by a hand-written command (node-relay/cli/commands) over this operation's REST route, not generated:
   * `ipfs-kit add` reads local files and directories, with Kubo's flags and a progress bar.
   */
  custom?: boolean
}

/** What every operation declares, whatever it exchanges. */
export interface OperationBase<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** Canonical name, snake_case: the MCP tool name and the key everywhere else. */
  name: string
  /** Short human title. */
  title: string
  /** What it does, for agents, OpenAPI and `--help`: the first sentence stands alone. */
  description: string
  /** Input: a zod object whose every field is described. */
  input: I
  /** Output: a zod object (for a download, the metadata that goes with the bytes). */
  output: O
  annotations: OperationAnnotations
  /** The scope a caller's key needs (core/auth/scopes.ts), or `public`. */
  scope: OperationScope
  /** Components without which it cannot run. */
  requires?: readonly Requirement[]
  rest: RestBinding
  /** Absent: no CLI command (yet), e.g. operations a person runs through another command. */
  cli?: CliBinding<z.output<O>>
  /** Other names people know it by (Kubo's, the older MCP tool names): documented, resolved by `operationNamed`. */
  aliases?: readonly string[]
  /**
   * Validate raw input instead of the adapters' check against `input` (which answers `ERR_INVALID_INPUT` naming each
   * field), for operations with their own error (search: `ERR_INVALID_QUERY` with `field`).
   */
  parse?: (raw: unknown) => z.output<I>
}

/** One thing the relay can do, written once for every surface: JSON in, JSON out. */
export interface Operation<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> extends OperationBase<I, O> {
  kind?: 'json'
  /** Do it. Throws typed errors (core/errors) only. */
  run: (components: OperationComponents, input: z.output<I>, options: RunOptions) => Promise<z.output<O>>
}

/** Bytes an operation answers with, and their metadata. */
export interface Download<O = Record<string, unknown>> {
  /** The metadata, as the operation's `output` describes it. */
  output: O
  /** The bytes. Errors found before the first byte (not found, corrupt) were thrown by `open`, so they get a status. */
  body: AsyncIterable<Uint8Array>
  /** The whole body, when `open` already holds it in memory (a one-block file): `body` yields exactly these bytes. */
  bytes?: Uint8Array
  /** Media type of the bytes. */
  mediaType: string
  /** Bytes in `body`, when known before sending (Content-Length). */
  length?: number
  /** A name to save it under (Content-Disposition: attachment). */
  filename?: string
  /** Strong validator of the bytes (the CID). */
  etag?: string
  /** For a ranged download: the whole resource's size (Content-Range, 206). */
  total?: number
  /** For a ranged download: the first byte served. */
  offset?: number
}

/**
 * An operation that answers with bytes (a file, a block, a CAR). Each surface decides how to deliver them: REST
 * streams them (Range for a ranged one), MCP inlines up to its limit (a ranged one a page at a time, with the offset
 * of the next), the CLI writes them to stdout or `-o`.
 */
export interface DownloadOperation<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> extends OperationBase<I, O> {
  kind: 'download'
  /** The input has `offset` and `length` fields selecting a byte range; REST also honours a `Range` header. */
  ranged?: boolean
  /** Start the download: resolve and check what is asked for, and return the bytes to come. */
  open: (components: OperationComponents, input: z.output<I>, options: RunOptions) => Promise<Download<z.output<O>>>
}

/** Bytes or files an operation takes, as the surfaces deliver them. */
export type Upload =
  /** One byte stream (a block, a CAR, one file). */
  | { kind: 'bytes', body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> }
  /**
   * Files with paths, forming a tree (a multipart upload, MCP `files`, a local directory). `inDirectory`: the caller
   * named paths inside a new directory (MCP `files`), so it is wrapped unless `wrap` is false; otherwise, as
   * `ipfs add`, one top-level file or directory is the root itself and several are wrapped.
   */
  | { kind: 'files', files: AsyncIterable<AddEntry> | Iterable<AddEntry>, inDirectory?: boolean }

/** What an upload operation accepts, for the surfaces to offer it. */
export interface UploadBinding {
  /** `bytes`: one byte stream; `files`: one byte stream or a tree of files (multipart on REST, `files` on MCP). */
  accepts: 'bytes' | 'files'
  /** What the bytes are, for OpenAPI, tool descriptions and `--help`. */
  description: string
  /** REST media types of the raw body. */
  mediaTypes: readonly string[]
}

/** An operation that takes bytes (an add, a block put, a CAR import) besides its JSON input. */
export interface UploadOperation<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> extends OperationBase<I, O> {
  kind: 'upload'
  upload: UploadBinding
  /** Do it with the uploaded bytes. */
  run: (components: OperationComponents, input: z.output<I>, upload: Upload, options: RunOptions) => Promise<z.output<O>>
}

/** Any operation, for tables and adapters. */
export type AnyOperation = Operation | DownloadOperation | UploadOperation

/**
 * Define an operation, typed from its schemas; returns it widened for the table (a JSON operation).
 *
 * @example
 * ```ts
 * export const pinRm = defineOperation({ name: 'pin_rm', input: z.object({ cid: cidField }), ... })
 * ```
 */
export function defineOperation<I extends z.ZodObject, O extends z.ZodObject> (op: Operation<I, O>): Operation {
  return op
}

/** Define a download operation (see {@link DownloadOperation}). */
export function defineDownload<I extends z.ZodObject, O extends z.ZodObject> (op: DownloadOperation<I, O>): DownloadOperation {
  return op
}

/** Define an upload operation (see {@link UploadOperation}). */
export function defineUpload<I extends z.ZodObject, O extends z.ZodObject> (op: UploadOperation<I, O>): UploadOperation {
  return op
}
