/**
 * The Storacha backend: each DAG is one upload in a Storacha space (`uploadCAR`: CAR shards stored as blobs, a
 * sharded DAG index, the upload registered under its root), written through a configurable upload service and read
 * back through IPFS trustless gateways with core's gateway retrieval (raced, falling back, every block verified). The space's upload list is the
 * source of truth for `has`, `list` and `delete`: content removed from the space is gone for this backend even
 * while gateways still cache it.
 */
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { CID } from 'multiformats/cid'
import { NotFoundError } from '../../../core/errors/index.ts'
import { createGatewayBackend, probeStatus } from '../../../core/storage/index.ts'
import { withSpooledCar } from '../huggingface/spool.ts'
import { connectStoracha } from './connect.ts'
import { DEFAULT_GATEWAY } from './defaults.ts'
import { failureName, translateStorachaError } from './errors.ts'
import { toIslandLink } from './island.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type {
  BackendCapabilities, BackendStatus, CostProfile, DagSource, GatewayBackend, GatewayFailure, PutResult, StorageBackend,
  StoredObject, VerifiedBlock
} from '../../../core/storage/index.ts'
import type { StorachaConnection, StorachaConnectionInit } from './connect.ts'

/** Everything the Storacha backend needs; secrets already resolved. */
export interface StorachaBackendInit extends StorachaConnectionInit {
  /** Instance name, e.g. `storacha`. */
  name: string
  /** Gateways to read from (default `https://storacha.link`); reads race the first `raceCount` and fall back. */
  gateways?: string[]
  /** Gateways asked at once (default 2). */
  raceCount?: number
  /** Called when a gateway fails a read (`code: 'ERR_BLOCK_CORRUPT'` when it served bad bytes). */
  onGatewayFailure?: (failure: GatewayFailure) => void
  /** Retries of each upload step (the client's default is 3, with backoff). */
  retries?: number
  /** Where CARs bigger than `spoolMemoryLimit` are spooled before upload (default the OS temp dir). */
  spoolDir?: string
  /** CARs up to this many bytes are uploaded from memory (default 64 MiB). */
  spoolMemoryLimit?: number
  /** Overrides of the default cost profile. */
  cost?: Partial<CostProfile>
  /** fetch used for gateway reads (tests, proxies); default the global one. */
  fetch?: typeof fetch
}


/** A static estimate from Storacha's published plans (overage per GB); set `cost` for your plan. */
const DEFAULT_COST: CostProfile = { storageUsdPerGbMonth: 0.05, egressUsdPerGb: 0.05, latencyMs: 500 }

/**
 * Options for one service call. The upload service answers a repeated invocation (same CID) with its cached
 * receipt, and two identical queries in the same second have the same CID: a fresh nonce makes every query ask
 * again instead of getting the answer from before a write.
 */
function fresh (retries: number | undefined): { nonce: string, retries?: number } {
  return { nonce: randomBytes(12).toString('base64url'), ...(retries !== undefined && { retries }) }
}

/** A `StorageBackend` over a Storacha space. Create it with {@link createStorachaBackend}. */
export class StorachaBackend implements StorageBackend {
  readonly name: string
  readonly kind = 'storacha'
  readonly layout = 'car' as const
  readonly capabilities: BackendCapabilities = { read: true, write: true, delete: true, list: true, streaming: true }
  readonly cost: CostProfile
  private readonly init: StorachaBackendInit
  private readonly gateways: string[]
  /** Reads: trustless-gateway retrieval (race, fallback, every block verified, corrupt gateways tried last). */
  private readonly reader: GatewayBackend
  private connecting: Promise<StorachaConnection> | undefined

  constructor (init: StorachaBackendInit) {
    this.name = init.name
    this.init = init
    this.gateways = init.gateways ?? [DEFAULT_GATEWAY]
    this.cost = { ...DEFAULT_COST, ...init.cost }
    this.reader = createGatewayBackend({
      name: `${init.name}-gateways`,
      gateways: this.gateways,
      ...(init.raceCount !== undefined && { raceCount: init.raceCount }),
      ...(init.fetch !== undefined && { fetch: init.fetch }),
      ...(init.onGatewayFailure !== undefined && { onGatewayFailure: init.onGatewayFailure })
    })
  }

  /** The client, made on first use (parsing the key and proof); a failed attempt is retried next time. */
  private async connection (options: AbortOptions): Promise<StorachaConnection> {
    options.signal?.throwIfAborted()
    this.connecting ??= connectStoracha(this.init).catch((err: unknown) => {
      this.connecting = undefined
      throw err
    })
    const connection = await this.connecting
    options.signal?.throwIfAborted()
    return connection
  }

  /** Where the DAG can be read: the first gateway's trustless URL. */
  private locatorOf (root: CID): string {
    return `${(this.gateways[0] ?? DEFAULT_GATEWAY).replace(/\/+$/, '')}/ipfs/${root.toString()}`
  }

  /** The shards of the upload under `root` (CAR CIDs as strings), or undefined when the space has no such upload. */
  private async upload (root: CID, options: AbortOptions): Promise<string[] | undefined> {
    const { client } = await this.connection(options)
    try {
      const link = toIslandLink(root.toString())
      const found = await client.capability.upload.get(link, fresh(this.init.retries))
      options.signal?.throwIfAborted()
      // services before upload/shard/list return the shards with the upload
      const inline = (found as { shards?: { toString: () => string }[] }).shards
      if (inline !== undefined) return inline.map(shard => shard.toString())
      const shards: string[] = []
      let cursor: string | undefined
      do {
        const page = await client.capability.upload.shard.list(link, { ...fresh(this.init.retries), ...(cursor !== undefined && { cursor }) })
        shards.push(...page.results.map(shard => shard.toString()))
        cursor = page.results.length === 0 ? undefined : page.cursor
      } while (cursor !== undefined)
      return shards
    } catch (err) {
      if (failureName(err) === 'UploadNotFound') return undefined
      throw err
    }
  }

  /** Upload the DAG as a CAR; content already uploaded to the space is not sent again. */
  async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    try {
      const existing = await this.upload(root, options)
      if (existing !== undefined) return { cid: root, size: await this.sizeOf(existing, options), locator: this.locatorOf(root) }
      const { client } = await this.connection(options)
      return await withSpooledCar(this.init.spoolDir ?? tmpdir(), root, source, options, async (car) => {
        const uploaded = await client.uploadCAR(car, {
          ...(this.init.retries !== undefined && { retries: this.init.retries }),
          ...(options.signal !== undefined && { signal: options.signal })
        })
        if (uploaded.toString() !== root.toString()) throw new Error(`the service registered ${uploaded.toString()} for ${root.toString()}`)
        return { cid: root, size: car.size, locator: this.locatorOf(root) }
      }, this.init.spoolMemoryLimit)
    } catch (err) {
      throw translateStorachaError(err, `put ${root.toString()}`)
    }
  }

  /** Stream the DAG from the gateways, every block verified; `ERR_NOT_FOUND` when the space has no such upload. */
  async * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    let shards: string[] | undefined
    try {
      shards = await this.upload(root, options)
    } catch (err) {
      throw translateStorachaError(err, `get ${root.toString()}`)
    }
    if (shards === undefined) throw new NotFoundError(`${this.name}: no upload ${root.toString()} in the space`)
    yield * this.reader.get(root, options)
  }

  /** True when the space lists an upload under `root`. */
  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    try {
      return (await this.upload(root, options)) !== undefined
    } catch (err) {
      throw translateStorachaError(err, `has ${root.toString()}`)
    }
  }

  /** Remove the upload and its CAR shards from the space; absent content is already removed. */
  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    try {
      const { client } = await this.connection(options)
      const shards = await this.upload(root, options)
      if (shards === undefined) return
      await client.capability.upload.remove(toIslandLink(root.toString()), fresh(this.init.retries))
      for (const shard of shards) {
        options.signal?.throwIfAborted()
        await client.capability.blob.remove(toIslandLink(shard).multihash, fresh(this.init.retries))
      }
    } catch (err) {
      const typed = translateStorachaError(err, `delete ${root.toString()}`)
      if (typed instanceof NotFoundError) return
      throw typed
    }
  }

  /** Roots of every upload in the space, page by page. */
  async * list (options: AbortOptions = {}): AsyncGenerator<CID> {
    options.signal?.throwIfAborted()
    let cursor: string | undefined
    do {
      let page: { results: { root: { toString: () => string } }[], cursor?: string }
      try {
        const { client } = await this.connection(options)
        page = await client.capability.upload.list({ ...fresh(this.init.retries), size: 100, ...(cursor !== undefined && { cursor }) })
      } catch (err) {
        throw translateStorachaError(err, 'list')
      }
      for (const upload of page.results) {
        options.signal?.throwIfAborted()
        yield CID.parse(upload.root.toString())
      }
      cursor = page.results.length === 0 ? undefined : page.cursor
    } while (cursor !== undefined)
  }

  /** Bytes stored for the upload (the sum of its CAR shards) and its gateway URL. */
  async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
    options.signal?.throwIfAborted()
    let shards: string[] | undefined
    let size: number
    try {
      shards = await this.upload(root, options)
      size = shards === undefined ? 0 : await this.sizeOf(shards, options)
    } catch (err) {
      throw translateStorachaError(err, `stat ${root.toString()}`)
    }
    if (shards === undefined) throw new NotFoundError(`${this.name}: no upload ${root.toString()} in the space`)
    return { cid: root, size, locator: this.locatorOf(root) }
  }

  /** Sum of the shards' sizes as the service recorded them. */
  private async sizeOf (shards: string[], options: AbortOptions): Promise<number> {
    const { client } = await this.connection(options)
    let total = 0
    for (const shard of shards) {
      const found = await client.capability.blob.get(toIslandLink(shard).multihash, fresh(this.init.retries))
      if (found.ok === undefined) throw new Error('blob/get failed', { cause: found.error })
      total += found.ok.blob.size
    }
    return total
  }

  /** Probe: the service lists the space's uploads for our agent. */
  async status (options: AbortOptions = {}): Promise<BackendStatus> {
    return await probeStatus(async (probeOptions) => {
      try {
        const { client } = await this.connection(probeOptions)
        await client.capability.upload.list({ ...fresh(this.init.retries), size: 1 })
      } catch (err) {
        throw translateStorachaError(err, 'status')
      }
      return undefined
    }, options)
  }
}

/**
 * Create a Storacha backend.
 *
 * @example
 * ```ts
 * const storacha = createStorachaBackend({
 *   name: 'storacha', agentKey: env.STORACHA_KEY, proof: env.STORACHA_PROOF,
 *   serviceUrl: 'https://upload.example.org', serviceDid: 'did:web:upload.example.org',
 *   gateways: ['https://storacha.link']
 * })
 * ```
 */
export function createStorachaBackend (init: StorachaBackendInit): StorachaBackend {
  return new StorachaBackend(init)
}
