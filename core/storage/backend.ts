/**
 * The one interface every storage backend implements: local blockstores, the IPFS network, S3, Hugging Face,
 * Storacha, trustless gateways.
 *
 * How a backend author uses the compliance suite (`test/compliance/storage-backend-suite.ts`):
 *
 * ```ts
 * // test/compliance/storage-mybackend.test.ts
 * import { storageBackendTests } from './storage-backend-suite.ts'
 * describe('my backend: storage backend compliance', () => {
 *   storageBackendTests({
 *     setup: async () => ({
 *       backend: createMyBackend({ ... }),      // against the most real local stand-in of the service
 *       corrupt: async (root) => { ... },       // flip a byte of the stored bytes of `root`, going around the backend
 *       seed: async (root, blocks) => { ... }   // only for read-only backends: place content the backend can then read
 *     }),
 *     teardown: async (fixture) => { await fixture.backend.stop?.() }
 *   })
 * })
 * ```
 *
 * The suite only uses this interface and the core helpers: missing keys, abort signals, parallel writers, a large
 * DAG, corrupt data (a backend must throw `ERR_BLOCK_CORRUPT`, never return wrong bytes), read-only behaviour.
 * Use the helpers in `./dag.ts` (`readVerifiedDag`, `dagToCar`, `carToVerifiedBlocks`) so every byte read is
 * checked against its CID, and translate vendor errors at the boundary (a vendor 404 is `NotFoundError`,
 * an unreachable service is `BackendUnavailableError`).
 */
import type { AbortOptions } from '../abort.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The kinds of backend ipfs-kit knows; the relay config's `storage.backends[].kind` uses the same names. */
export type BackendKind = 'local' | 'ipfs' | 's3' | 'gateway' | 'huggingface' | 'storacha' | 'filecoin' | (string & {})

/**
 * How a backend keeps content: `car` stores each DAG as one object (a CARv1 with the root as its only root);
 * `blocks` stores each block under its own CID.
 */
export type BackendLayout = 'car' | 'blocks'

/** What a backend can do. A backend throws `ERR_NOT_SUPPORTED` for an operation whose capability is false. */
export interface BackendCapabilities {
  /** `get`, `has`, `stat` work. */
  read: boolean
  /** `put` works. */
  write: boolean
  /** `delete` works. */
  delete: boolean
  /** `list` works. */
  list: boolean
  /** `get` yields blocks while the transfer is still running (does not buffer a whole object first). */
  streaming: boolean
}

/** What keeping and reading content costs on a backend; placement and migration choose by it. */
export interface CostProfile {
  /** Storage price, US dollars per GB per month (0 for own disks). */
  storageUsdPerGbMonth: number
  /** Egress price, US dollars per GB read. */
  egressUsdPerGb: number
  /** Typical time to first byte, milliseconds (a static estimate; `status()` measures the real one). */
  latencyMs: number
  /** Price of 1,000 write requests, US dollars, where the service charges per request (S3: PUT, COPY, POST, LIST). */
  requestUsdPer1000?: number
}

/** A backend's health, as `status()` last measured it. */
export interface BackendStatus {
  /** The backend answered a probe. */
  healthy: boolean
  /** How long the probe took, milliseconds. */
  latencyMs: number
  /** When the probe ran (ISO 8601). */
  checkedAt: string
  /** Why it is unhealthy. */
  error?: { code: string, message: string }
  /** What it holds, when the backend can tell cheaply. */
  usage?: { objects?: number, bytes?: number }
  /** Health of each endpoint, for backends that use several (gateways, mirrors). */
  endpoints?: EndpointStatus[]
}

/** Health of one endpoint of a backend. */
export interface EndpointStatus {
  /** Base URL of the endpoint. */
  url: string
  healthy: boolean
  /** Last measured time to first byte, milliseconds. */
  latencyMs?: number
  /** Set while the endpoint is marked (e.g. it served corrupt bytes): it is tried last until then (ISO 8601). */
  markedUntil?: string
  /** The last failure. */
  error?: { code: string, message: string }
}

/** Where and how big one stored DAG is. */
export interface StoredObject {
  /** The root CID. */
  cid: CID
  /** Bytes the backend holds for it (the CAR object's size, or the sum of its blocks' sizes). */
  size: number
  /** Backend-specific address, e.g. `s3://bucket/prefix/<cid>.car` or `https://gw.example/ipfs/<cid>`. */
  locator: string
  /**
   * Set when the backend holds the copy encrypted at rest (`encryptAtRest`): the relay key's id (its `age1…`
   * recipient) and the root of the ciphertext on the inner backend.
   */
  encryption?: { keyId: string, ciphertext: string }
}

/** What `put` returns: where the content now lives on the backend. */
export type PutResult = StoredObject

/** Where `put` reads the DAG from: any blockstore's `get` (the backend walks the DAG under the root). */
export type DagSource = Pick<Blockstore, 'get'>

/** One block of a DAG, verified against its CID. */
export interface VerifiedBlock {
  cid: CID
  bytes: Uint8Array
}

/**
 * A place content can live, addressed by CID. Every method takes `{ signal }` and starts with
 * `signal?.throwIfAborted()`. Errors are typed: `ERR_NOT_FOUND` (nothing under the CID), `ERR_BLOCK_CORRUPT`
 * (stored bytes do not match their CID), `ERR_NOT_SUPPORTED` (capability is false), `ERR_BACKEND_UNAVAILABLE`
 * (the service cannot be reached), `ERR_INVALID_CAR` (a stored object is malformed).
 */
export interface StorageBackend {
  /** Instance name, unique on a node (the config's `name`, e.g. `s3-eu`). */
  readonly name: string
  /** What kind of backend this is. */
  readonly kind: BackendKind
  /** Whether it stores whole DAGs as CAR objects or single blocks. */
  readonly layout: BackendLayout
  /** What it can do. */
  readonly capabilities: BackendCapabilities
  /** What it costs. */
  readonly cost: CostProfile

  /**
   * Store the whole DAG under `root`, reading its blocks from `source`. Every block is verified before it is
   * written (`ERR_BLOCK_CORRUPT` otherwise, and nothing is acknowledged). Idempotent: putting stored content again
   * succeeds.
   */
  put: (root: CID, source: DagSource, options?: AbortOptions) => Promise<PutResult>

  /**
   * Read the whole DAG under `root`: every block once, root first, depth-first, each verified against its CID.
   * Throws `ERR_NOT_FOUND` when the backend does not have it and `ERR_BLOCK_CORRUPT` as soon as a block does not
   * match (blocks already yielded were verified). A DAG with a missing block throws `ERR_NOT_FOUND`.
   */
  get: (root: CID, options?: AbortOptions) => AsyncGenerator<VerifiedBlock>

  /** True when `get(root)` can be expected to succeed (a cheap check: the object or root block exists). */
  has: (root: CID, options?: AbortOptions) => Promise<boolean>

  /** Remove what `put(root)` stored. Removing absent content succeeds. */
  delete: (root: CID, options?: AbortOptions) => Promise<void>

  /**
   * Every CID `has` answers true for: the roots of stored DAGs (`car` layout) or every block (`blocks` layout).
   */
  list: (options?: AbortOptions) => AsyncGenerator<CID>

  /** Size and locator of stored content; `ERR_NOT_FOUND` when absent. */
  stat: (root: CID, options?: AbortOptions) => Promise<StoredObject>

  /** Probe the backend (never throws: an unreachable backend is `healthy: false` with an error code). */
  status: (options?: AbortOptions) => Promise<BackendStatus>

  /** Release connections and timers. */
  stop?: () => Promise<void>
  /**
   * For a backend that keeps several copies of its own (Filecoin, on distinct providers): add the copies it lacks
   * for `root`, from `source` (the DAG's blocks from a verified copy elsewhere) or, without one, from a copy of its
   * own it verifies. `auto` marks a repair the backend's own watch asked for (held to its budget cap). Throws when
   * nothing could be placed; records only copies that were placed. Absent on backends that keep one copy.
   */
  repairCopies?: (root: CID, options: AbortOptions & { source?: DagSource, auto?: boolean }) => Promise<{ placed: string[] }>
}
