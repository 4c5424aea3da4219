/**
 * The `filecoin` storage backend: whole DAGs as CAR pieces on Filecoin Onchain Cloud through the Synapse SDK.
 *
 * - `put` builds the DAG's CAR (every block verified on the way), computes its PieceCID locally
 *   (`@filoz/synapse-core/piece`), uploads it with `synapse.storage.upload` to `copies` distinct providers, refuses
 *   the result when the SDK/provider reports another PieceCID, and records each copy (provider, data set, piece id,
 *   retrieval URL, state) in the {@link CopyStore}.
 * - `get` fetches the CAR from a copy's retrieval URL and verifies every block against the root CID before yielding
 *   any; a copy that serves wrong bytes is marked `corrupt` and the next copy serves the read.
 * - `delete` asks each provider to schedule the removal of the piece from its data set (the SDK's `deletePiece`, a
 *   signed request the provider submits on chain), then forgets the root.
 * - Each upload and retrieval is tallied per provider ({@link ProviderHistoryStore}) for provider scoring;
 *   tracking.ts moves copies through their states from the PDP verifier and repair.ts replaces unhealthy ones.
 */
import * as Piece from '@filoz/synapse-core/piece'
import { CID } from 'multiformats/cid'
import { collectBlock } from '../../../core/blocks/bytes.ts'
import { BlockCorruptError, IpfsKitError, NotFoundError } from '../../../core/errors/index.ts'
import { carToVerifiedBlocks, dagToCar, probeStatus } from '../../../core/storage/index.ts'
import { BackendUnavailableError } from '../../../core/storage/errors.ts'
import { CopyStore, HEALTHY_STATES } from './copies.ts'
import { currentEpoch } from './epoch.ts'
import { ProviderHistoryStore } from './history.ts'
import { quoteFilecoin } from './costs.ts'
import { PieceMismatchError } from './errors.ts'
import { rankProviders } from './providers.ts'
import { SpendingLedger } from './budget.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type {
  BackendCapabilities, BackendStatus, CostProfile, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock
} from '../../../core/storage/index.ts'
import type { CopyRecord, RootRecord } from './copies.ts'
import type { FilecoinQuote } from './costs.ts'
import type { BudgetCap } from './budget.ts'
import type { RankedProvider } from './providers.ts'
import type { CopyChange } from './tracking.ts'
import type { EventBus } from '../../../core/events/bus.ts'
import type { ScoringPolicy } from './scoring.ts'
import type { LotusClient } from './lotus.ts'
import type { Synapse } from '@filoz/synapse-sdk'
import type { StorageContext } from '@filoz/synapse-sdk/storage'

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
  /** The JSON file that keeps per-copy records; in memory when absent. Provider history goes next to it. */
  recordsPath?: string
  /** Operator filters for choosing providers (repairs, `filecoin providers`). */
  policy?: ScoringPolicy
  /** Storage provider (miner) ids of registry providers, for their faults on chain: `{ "1": "f01234" }`. */
  minerIds?: Record<string, string>
  /** How often the relay's copy watch reads the PDP verifier (ms; 0: never by itself). */
  checkIntervalMs?: number
  /** The copy watch repairs after each check. */
  autoRepair?: boolean
  /** Renewal: how close to its end a term is renewed, whether the watch tops up the deposit, and by how many months. */
  renewal?: Partial<RenewalPolicy>
  /** Caps on automatic spending (repairs, deposit top-ups). */
  budget?: BudgetCap
  /** Where copy-state changes, repairs, renewals and budget refusals are announced (the relay's `/ws` bus). */
  events?: EventBus
  /** How long a put reuses the provider ranking it chose by (ms, default 60 s). */
  rankingTtlMs?: number
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

async function * once (bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

const GOOD_STATES = HEALTHY_STATES

/** When and how the copy watch renews terms (see renew.ts). */
export interface RenewalPolicy {
  /** A term ending within this many days is renewed (data set ending: a replacement copy; deposit: a top-up). */
  withinDays: number
  /** The watch tops up the deposit by itself (spends; capped by the budget). */
  auto: boolean
  /** Months of the current lockup rate one top-up buys. */
  months: number
}

function sidePath (recordsPath: string | undefined, suffix: string): string | undefined {
  return recordsPath === undefined ? undefined : `${recordsPath.replace(/\.json$/, '')}.${suffix}.json`
}


/** See the module comment. */
export class FilecoinBackend implements StorageBackend {
  readonly name: string
  readonly kind = 'filecoin'
  readonly layout = 'car' as const
  readonly capabilities: BackendCapabilities = { read: true, write: true, delete: true, list: true, streaming: false }
  readonly cost: CostProfile
  /** The per-copy records (exposed for tracking and repair). */
  readonly records: CopyStore
  /** What we measured with each provider. */
  readonly history: ProviderHistoryStore
  /** The Synapse SDK instance (for tracking, repair, providers and payments). */
  readonly synapse: Synapse
  /** Copies wanted per root. */
  readonly copies: number
  /** Operator filters for choosing providers. */
  readonly policy: ScoringPolicy
  /** Registry provider id → storage provider (miner) id, for chain faults. */
  readonly minerIds: Readonly<Record<string, string>>
  /** How often the relay's copy watch runs, and whether it repairs (see copy-watch.ts). */
  readonly watch: { intervalMs: number, autoRepair: boolean }
  /** When the watch renews terms. */
  readonly renewal: RenewalPolicy
  /** What the watch spent by itself, against the budget cap. */
  readonly spending: SpendingLedger
  /** Where copy-state changes and repairs are announced (set by the relay). */
  events: EventBus | undefined
  /** The chain watch's Lotus client, when configured (its faults count in the scores repairs choose by). */
  lotus: LotusClient | undefined
  private ranking: { at: number, providers: Promise<RankedProvider[]> } | undefined
  private contexts: { key: FilecoinBackend['ranking'], made: Promise<StorageContext[]> } | undefined
  private readonly init: FilecoinBackendInit
  private readonly fetch: typeof fetch

  constructor (init: FilecoinBackendInit) {
    this.name = init.name
    this.init = init
    this.cost = { ...DEFAULT_COST, ...init.cost }
    this.records = new CopyStore(init.recordsPath)
    this.history = new ProviderHistoryStore(sidePath(init.recordsPath, 'providers'))
    this.spending = new SpendingLedger(init.budget ?? {}, sidePath(init.recordsPath, 'spending'))
    this.renewal = { withinDays: 7, auto: false, months: 1, ...init.renewal }
    this.events = init.events
    this.synapse = init.synapse
    this.copies = init.copies ?? 2
    this.policy = init.policy ?? {}
    this.minerIds = init.minerIds ?? {}
    this.watch = { intervalMs: init.checkIntervalMs ?? 0, autoRepair: init.autoRepair ?? false }
    this.fetch = init.fetch ?? globalThis.fetch.bind(globalThis)
  }

  /**
   * A migration job's repair of `root`: new copies with the best-scored providers holding none, until the backend
   * keeps its `copies` healthy ones (repair.ts). Throws when it could place none it needed (the job retries or fails).
   */
  async repairCopies (root: CID, options: AbortOptions & { source?: DagSource, auto?: boolean } = {}): Promise<{ placed: string[] }> {
    const { repairCopies } = await import('./repair.ts')
    const repairs = await repairCopies(this, {
      root: root.toString(), rethrow: true,
      ...(options.auto !== undefined && { auto: options.auto }),
      ...(options.source !== undefined && { source: options.source }),
      ...(this.lotus !== undefined && { lotus: this.lotus }),
      ...(options.signal !== undefined && { signal: options.signal })
    })
    return { placed: repairs.flatMap((r) => r.placed.map((p) => p.providerId)) }
  }

  async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    const car = await collectBlock(dagToCar(source, root, options))
    // the streaming hasher is about a third faster than Piece.calculate on the same bytes (bench/filecoin-io.ts)
    const pieceCid = await Piece.calculateFromIterable(once(car))
    const local = pieceCid.toString()
    const existing = await this.records.get(root.toString())
    if (existing?.pieceCid === local && existing.copies.some((c) => GOOD_STATES.has(c.state))) {
      return { cid: root, size: existing.size, locator: this.locator(existing) }
    }
    options.signal?.throwIfAborted()
    let result: Awaited<ReturnType<Synapse['storage']['upload']>>
    try {
      // our PieceCID goes with the upload, so the SDK does not hash the CAR a second time; the provider still computes
      // commP over the bytes it received and refuses the finalize on a mismatch, and acceptUpload compares the result
      result = await this.init.synapse.storage.upload(car, {
        pieceCid,
        contexts: await this.uploadContexts(options),
        ...(options.signal !== undefined && { signal: options.signal })
      })
    } catch (err) {
      options.signal?.throwIfAborted()
      throw new BackendUnavailableError(`Filecoin upload of ${root.toString()} failed: ${(err as Error).message}`, { cause: err })
    }
    const copies = await this.acceptUpload(root, local, result)
    const record: RootRecord = { root: root.toString(), pieceCid: local, size: car.byteLength, copies, storedAt: new Date().toISOString() }
    await this.records.set(record)
    return { cid: root, size: record.size, locator: this.locator(record) }
  }

  /**
   * The best-scored eligible providers for a new root's copies (our history, chain faults, price, the operator's
   * filters; see providers.ts), `copies` of them, distinct. The ranking is reused for `rankingTtlMs`.
   */
  async chooseProviders (options: AbortOptions = {}): Promise<bigint[]> {
    const now = Date.now()
    if (this.ranking === undefined || now - this.ranking.at > (this.init.rankingTtlMs ?? 60_000)) {
      const providers = rankProviders(this, options)
      this.ranking = { at: now, providers }
      providers.catch(() => { if (this.ranking?.providers === providers) this.ranking = undefined })
    }
    const eligible = (await this.ranking.providers).filter((p) => p.excluded === undefined)
    if (eligible.length === 0) throw new BackendUnavailableError(`no eligible Filecoin provider for ${this.name} (see filecoin providers --explain)`)
    return eligible.slice(0, this.copies).map((p) => BigInt(p.providerId))
  }

  /**
   * The SDK storage contexts (one per chosen provider, each with its data set) puts upload through: created for the
   * configured `providerIds` or {@link chooseProviders}, and reused while the ranking is fresh, as the SDK reuses its
   * default contexts (a context learns the data set it creates on its first upload).
   */
  private async uploadContexts (options: AbortOptions): Promise<StorageContext[]> {
    const providerIds = this.init.providerIds ?? await this.chooseProviders(options)
    // a new ranking (or none yet) means new contexts; configured providerIds keep theirs
    const key = this.init.providerIds === undefined ? this.ranking : undefined
    if (this.contexts === undefined || this.contexts.key !== key) {
      const made = this.synapse.storage.createContexts({ providerIds, copies: providerIds.length })
      const entry = { key, made }
      this.contexts = entry
      made.catch(() => { if (this.contexts === entry) this.contexts = undefined })
    }
    return await this.contexts.made
  }

  /**
   * Check an upload's result against the locally computed PieceCID, tally each provider's success or failure, and
   * turn the copies into records (state `added`, with the epoch they were added at). Used by `put` and by repairs.
   */
  async acceptUpload (root: CID, local: string, result: Awaited<ReturnType<Synapse['storage']['upload']>>): Promise<CopyRecord[]> {
    for (const failed of result.failedAttempts) await this.history.upload(failed.providerId.toString(), false)
    const reported = result.pieceCid.toString()
    if (reported !== local) {
      throw new PieceMismatchError(`the provider reported piece ${reported} for ${root.toString()}, computed locally ${local}`)
    }
    if (result.copies.length === 0) {
      throw new BackendUnavailableError(`no provider stored ${root.toString()}: ${result.failedAttempts.map((f) => f.error).join('; ')}`)
    }
    for (const copy of result.copies) await this.history.upload(copy.providerId.toString(), true)
    const epoch = await currentEpoch(this.synapse).catch(() => undefined)
    const now = new Date().toISOString()
    return result.copies.map((copy) => ({
      providerId: copy.providerId.toString(),
      dataSetId: copy.dataSetId.toString(),
      pieceId: copy.pieceId.toString(),
      retrievalUrl: copy.retrievalUrl,
      state: 'added',
      updatedAt: now,
      ...(epoch !== undefined && { addedEpoch: epoch })
    }))
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
          this.announce({ root: root.toString(), providerId: copy.providerId, dataSetId: copy.dataSetId, from: copy.state, to: 'corrupt', reason: (err as Error).message })
        }
      }
    }
    throw failures.find((f) => f instanceof BlockCorruptError) ?? failures[0] ?? new NotFoundError(`${root.toString()} has no copy on ${this.name}`)
  }

  /** Fetch one copy's CAR and verify every block against the root before returning any. */
  private async readCopy (root: CID, copy: CopyRecord, options: AbortOptions): Promise<VerifiedBlock[]> {
    return (await this.readVerifiedCar(root, copy, options)).blocks
  }

  /**
   * Fetch one copy's CAR and verify every block against the root; tallies the retrieval (verified, failed or wrong
   * bytes, and the time to first byte) in the provider's history. Repairs upload these verified bytes elsewhere.
   */
  async readVerifiedCar (root: CID, copy: CopyRecord, options: AbortOptions = {}): Promise<{ car: Uint8Array, blocks: VerifiedBlock[] }> {
    const started = performance.now()
    let ttfb: number | undefined
    try {
      const response = await this.fetch(copy.retrievalUrl, { ...(options.signal !== undefined && { signal: options.signal }) })
      ttfb = performance.now() - started
      if (!response.ok) throw new BackendUnavailableError(`provider ${copy.providerId} answered ${response.status} for ${copy.retrievalUrl}`)
      const car = new Uint8Array(await response.arrayBuffer())
      const blocks: VerifiedBlock[] = []
      for await (const block of carToVerifiedBlocks(root, once(car), options)) blocks.push(block)
      await this.history.retrieval(copy.providerId, 'ok', ttfb)
      return { car, blocks }
    } catch (err) {
      if (options.signal?.aborted !== true) {
        const corrupt = err instanceof BlockCorruptError || (err instanceof IpfsKitError && err.code === 'ERR_INVALID_CAR')
        await this.history.retrieval(copy.providerId, corrupt ? 'corrupt' : 'failed', ttfb)
      }
      throw err
    }
  }

  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    const record = await this.records.get(root.toString())
    return record?.copies.some((c) => GOOD_STATES.has(c.state)) ?? false
  }

  /**
   * Ask each provider holding a copy to schedule the piece's removal from its data set (the SDK's `deletePiece`:
   * a request signed with our key that the provider submits to the PDP verifier), then forget the root. A provider
   * that cannot be reached fails the delete with `ERR_BACKEND_UNAVAILABLE` and keeps the record (marking the copies
   * already removed), so a retry asks only the others. Copies already terminated or removed are skipped.
   */
  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const record = await this.records.get(root.toString())
    if (record === undefined) return
    const failures: string[] = []
    for (const copy of record.copies) {
      options.signal?.throwIfAborted()
      if (copy.state === 'removed' || copy.state === 'terminated') continue
      try {
        const context = await this.synapse.storage.createContext({ dataSetId: BigInt(copy.dataSetId) })
        await context.deletePiece({ piece: BigInt(copy.pieceId) })
        await this.records.update(record.root, copy.providerId, copy.dataSetId, { state: 'removed', updatedAt: new Date().toISOString(), reason: 'deleted: removal scheduled' })
        this.announce({ root: record.root, providerId: copy.providerId, dataSetId: copy.dataSetId, from: copy.state, to: 'removed', reason: 'deleted: removal scheduled' })
      } catch (err) {
        options.signal?.throwIfAborted()
        failures.push(`provider ${copy.providerId} (data set ${copy.dataSetId}): ${(err as Error).message}`)
      }
    }
    if (failures.length > 0) throw new BackendUnavailableError(`could not remove every copy of ${root.toString()}: ${failures.join('; ')}`)
    await this.records.delete(record.root)
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
    const quote = await quoteFilecoin(this.init.synapse, { bytes: 1024 ** 4, copies: this.copies })
    this.cost.storageUsdPerGbMonth = quote.storageUsdPerGbMonth
    return quote
  }

  async status (options: AbortOptions = {}): Promise<BackendStatus> {
    return await probeStatus(async () => {
      await this.init.synapse.storage.getStorageInfo()
      return { objects: (await this.records.all()).length }
    }, options)
  }

  /** Put a copy's state change on the event bus (`filecoin:copy`), when the relay gave one. */
  announce (change: CopyChange): void {
    this.events?.emit({ type: 'filecoin:copy', backend: this.name, cid: change.root, providerId: change.providerId, dataSetId: change.dataSetId, from: change.from, to: change.to, ...(change.reason !== undefined && { reason: change.reason }) })
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
