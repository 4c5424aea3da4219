/**
 * The `filecoin` storage backend: whole DAGs as CAR pieces on Filecoin Onchain Cloud through the Synapse SDK.
 *
 * - `put` builds the DAG's CAR (every block verified on the way), computes its PieceCID locally
 *   (`@filoz/synapse-core/piece`), uploads it with `synapse.storage.upload` to `copies` distinct providers, refuses
 *   the result when the SDK/provider reports another PieceCID, and records each copy (provider, data set, piece id,
 *   retrieval URL, state) in the {@link CopyStore}.
 * - `get` fetches the CAR from a copy's retrieval URL and verifies every block against the root CID before yielding
 *   any; a copy that serves wrong bytes is marked `corrupt` and the next copy serves the read.
 * - `delete` forgets the root's records; removing the pieces from the providers' data sets is a signed on-chain
 *   operation this backend does not perform yet (see docs/FILECOIN.md).
 */
import * as Piece from '@filoz/synapse-core/piece'
import { CID } from 'multiformats/cid'
import { BlockCorruptError, IpfsKitError, NotFoundError } from '../../../core/errors/index.ts'
import { carToVerifiedBlocks, dagToCar, probeStatus } from '../../../core/storage/index.ts'
import { BackendUnavailableError } from '../../../core/storage/errors.ts'
import { CopyStore } from './copies.ts'
import { quoteFilecoin } from './costs.ts'
import { PieceMismatchError } from './errors.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type {
  BackendCapabilities, BackendStatus, CostProfile, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock
} from '../../../core/storage/index.ts'
import type { CopyRecord, RootRecord } from './copies.ts'
import type { FilecoinQuote } from './costs.ts'
import type { Synapse } from '@filoz/synapse-sdk'

/** How to build a {@link FilecoinBackend}. */
export interface FilecoinBackendInit {
  /** Instance name. */
  name: string
  /** A connected Synapse SDK instance (its wallet client chooses the network: mainnet, calibration, or mocks). */
  synapse: Synapse
  /** Copies to place, each with a distinct provider (default 2, the SDK's default). */
  copies?: number
  /** Provider ids to use, in order; the SDK chooses when absent. */
  providerIds?: bigint[]
  /** The JSON file that keeps per-copy records; in memory when absent. */
  recordsPath?: string
  /** Cost profile overrides (`refreshCost()` takes the storage price from the SDK). */
  cost?: Partial<CostProfile>
  /** The fetch used for retrievals (default: global fetch). */
  fetch?: typeof fetch
}

/**
 * Default cost: Filecoin Onchain Cloud's list price on warm storage is about 2.5 USDFC per TiB per month per copy
 * (≈ $0.0023/GB-month), and retrieval through the provider is not billed per byte.
 * `refreshCost()` replaces the storage figure with the SDK's own calculation on the configured network.
 */
const DEFAULT_COST: CostProfile = { storageUsdPerGbMonth: 0.0023 * 2, egressUsdPerGb: 0, latencyMs: 800 }

async function collect (chunks: AsyncIterable<Uint8Array>, options: AbortOptions): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let size = 0
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted()
    parts.push(chunk)
    size += chunk.byteLength
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

async function * once (bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

const GOOD_STATES = new Set(['stored', 'added', 'proving'])

/** See the module comment. */
export class FilecoinBackend implements StorageBackend {
  readonly name: string
  readonly kind = 'filecoin'
  readonly layout = 'car' as const
  readonly capabilities: BackendCapabilities = { read: true, write: true, delete: true, list: true, streaming: false }
  readonly cost: CostProfile
  /** The per-copy records (exposed for tracking and repair). */
  readonly records: CopyStore
  private readonly init: FilecoinBackendInit
  private readonly fetch: typeof fetch

  constructor (init: FilecoinBackendInit) {
    this.name = init.name
    this.init = init
    this.cost = { ...DEFAULT_COST, ...init.cost }
    this.records = new CopyStore(init.recordsPath)
    this.fetch = init.fetch ?? globalThis.fetch.bind(globalThis)
  }

  async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    const car = await collect(dagToCar(source, root, options), options)
    const local = Piece.calculate(car).toString()
    const existing = await this.records.get(root.toString())
    if (existing?.pieceCid === local && existing.copies.some((c) => GOOD_STATES.has(c.state))) {
      return { cid: root, size: existing.size, locator: this.locator(existing) }
    }
    options.signal?.throwIfAborted()
    let result: Awaited<ReturnType<Synapse['storage']['upload']>>
    try {
      result = await this.init.synapse.storage.upload(car, {
        copies: this.init.copies ?? 2,
        ...(this.init.providerIds !== undefined && { providerIds: this.init.providerIds }),
        ...(options.signal !== undefined && { signal: options.signal })
      })
    } catch (err) {
      options.signal?.throwIfAborted()
      throw new BackendUnavailableError(`Filecoin upload of ${root.toString()} failed: ${(err as Error).message}`, { cause: err })
    }
    const reported = result.pieceCid.toString()
    if (reported !== local) {
      throw new PieceMismatchError(`the provider reported piece ${reported} for ${root.toString()}, computed locally ${local}`)
    }
    if (result.copies.length === 0) {
      throw new BackendUnavailableError(`no provider stored ${root.toString()}: ${result.failedAttempts.map((f) => f.error).join('; ')}`)
    }
    const now = new Date().toISOString()
    const copies: CopyRecord[] = result.copies.map((copy) => ({
      providerId: copy.providerId.toString(),
      dataSetId: copy.dataSetId.toString(),
      pieceId: copy.pieceId.toString(),
      retrievalUrl: copy.retrievalUrl,
      state: 'added',
      updatedAt: now
    }))
    const record: RootRecord = { root: root.toString(), pieceCid: local, size: car.byteLength, copies, storedAt: now }
    await this.records.set(record)
    return { cid: root, size: record.size, locator: this.locator(record) }
  }

  async * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    const record = await this.requireRecord(root)
    const ordered = [...record.copies].sort((a, b) => Number(!GOOD_STATES.has(a.state)) - Number(!GOOD_STATES.has(b.state)))
    const failures: Error[] = []
    for (const copy of ordered) {
      options.signal?.throwIfAborted()
      try {
        const blocks = await this.readCopy(root, copy, options)
        for (const block of blocks) {
          options.signal?.throwIfAborted()
          yield block
        }
        return
      } catch (err) {
        options.signal?.throwIfAborted()
        failures.push(err as Error)
        if (err instanceof BlockCorruptError || (err instanceof IpfsKitError && err.code === 'ERR_INVALID_CAR')) {
          await this.records.mark(root.toString(), copy.providerId, 'corrupt', (err as Error).message)
        }
      }
    }
    throw failures.find((f) => f instanceof BlockCorruptError) ?? failures[0] ?? new NotFoundError(`${root.toString()} has no copy on ${this.name}`)
  }

  /** Fetch one copy's CAR and verify every block against the root before returning any. */
  private async readCopy (root: CID, copy: CopyRecord, options: AbortOptions): Promise<VerifiedBlock[]> {
    const response = await this.fetch(copy.retrievalUrl, { ...(options.signal !== undefined && { signal: options.signal }) })
    if (!response.ok) throw new BackendUnavailableError(`provider ${copy.providerId} answered ${response.status} for ${copy.retrievalUrl}`)
    const bytes = new Uint8Array(await response.arrayBuffer())
    const blocks: VerifiedBlock[] = []
    for await (const block of carToVerifiedBlocks(root, once(bytes), options)) blocks.push(block)
    return blocks
  }

  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    const record = await this.records.get(root.toString())
    return record?.copies.some((c) => GOOD_STATES.has(c.state)) ?? false
  }

  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    await this.records.delete(root.toString())
  }

  async * list (options: AbortOptions = {}): AsyncGenerator<CID> {
    options.signal?.throwIfAborted()
    for (const record of await this.records.all()) {
      options.signal?.throwIfAborted()
      yield CID.parse(record.root)
    }
  }

  async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
    options.signal?.throwIfAborted()
    const record = await this.requireRecord(root)
    return { cid: root, size: record.size, locator: this.locator(record) }
  }

  /**
   * Replace the storage price of the cost profile with the SDK's calculation for 1 TiB in `copies` copies (the
   * marginal price: a data set's minimum monthly charge does not distort it). Reads the chain, spends nothing.
   */
  async refreshCost (): Promise<FilecoinQuote> {
    const quote = await quoteFilecoin(this.init.synapse, { bytes: 1024 ** 4, copies: this.init.copies ?? 2 })
    this.cost.storageUsdPerGbMonth = quote.storageUsdPerGbMonth
    return quote
  }

  async status (options: AbortOptions = {}): Promise<BackendStatus> {
    return await probeStatus(async () => {
      await this.init.synapse.storage.getStorageInfo()
      return { objects: (await this.records.all()).length }
    }, options)
  }

  private async requireRecord (root: CID): Promise<RootRecord> {
    const record = await this.records.get(root.toString())
    if (record === undefined) throw new NotFoundError(`${root.toString()} is not stored on ${this.name}`)
    return record
  }

  private locator (record: RootRecord): string {
    return `filecoin://${record.pieceCid}?providers=${record.copies.map((c) => c.providerId).join(',')}`
  }
}

/** Create a {@link FilecoinBackend}. */
export function createFilecoinBackend (init: FilecoinBackendInit): FilecoinBackend {
  return new FilecoinBackend(init)
}
