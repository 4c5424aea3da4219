/**
 * Repair: a root whose healthy copies (`stored`, `added`, `proving`, `proven`) are fewer than the backend wants gets
 * new copies from providers chosen by the scorer among those holding no copy of it (in any state), uploaded through
 * the SDK from a copy verified against the root CID here. Unhealthy copies stay in the record with their state and
 * reason, so the record shows what was replaced and why. A dry run says what would be done and moves nothing.
 *
 * Renewal by replacement: a healthy copy whose term ends (its data set's PDP end epoch) within the backend's
 * `renewal.withinDays` no longer counts, so the root gets a new copy elsewhere before that one lapses (`kind:
 * 'renewal'`). Automatic runs (`auto: true`, the copy watch) are held to the budget's `maxRepairsPerDay`: beyond it
 * the repair is refused with `ERR_BUDGET_EXCEEDED` and a `filecoin:budget` event. Every repair that ran is announced
 * as a `filecoin:repair` event.
 */
import { CID } from 'multiformats/cid'
import { collectBlock } from '../../../core/blocks/bytes.ts'
import { isIpfsKitError } from '../../../core/errors/index.ts'
import { dagToCar } from '../../../core/storage/index.ts'
import { BackendUnavailableError } from '../../../core/storage/errors.ts'
import { HEALTHY_STATES } from './copies.ts'
import { EPOCHS_PER_DAY, currentEpoch } from './epoch.ts'
import { rankProviders } from './providers.ts'
import type { FilecoinBackend } from './backend.ts'
import type { CopyRecord, RootRecord } from './copies.ts'
import type { LotusClient } from './lotus.ts'
import type { DagSource } from '../../../core/storage/backend.ts'

/** What a repair did (or, in a dry run, would do) for one root. */
export interface RootRepair {
  root: string
  /** `repair`: copies were lost; `renewal`: copies are healthy but their terms end soon. */
  kind: 'repair' | 'renewal'
  /** Healthy copies before the repair (not counting those whose term ends soon). */
  healthy: number
  wanted: number
  /** Unhealthy copies being replaced: provider, state, reason. */
  replacing: Array<{ providerId: string, state: string, reason?: string }>
  /** Providers chosen for new copies (best score first). */
  chosen: string[]
  /** The new copies placed (empty in a dry run or on failure). */
  placed: Array<{ providerId: string, dataSetId: string, pieceId: string }>
  /** Why the repair could not be done, when it could not. */
  error?: string
  /** The error's stable code (`ERR_BUDGET_EXCEEDED` when the budget cap refused it). */
  code?: string
  /** The migration job the repair was queued as (`filecoin repair` and the watch with the migration controller). */
  job?: string
}

/** How {@link repairCopies} runs. */
export interface RepairOptions {
  /** Only this root (default: every root of the backend). */
  root?: string
  /** Say what would be done; place nothing. */
  dryRun?: boolean
  /** The watch's own run: held to the budget's `maxRepairsPerDay`. */
  auto?: boolean
  lotus?: LotusClient
  /** The DAG's blocks from a verified copy elsewhere (default: one of the backend's own copies, verified here). */
  source?: DagSource
  /** Throw a repair's error (after its event) instead of reporting it in the entry: a migration job fails or retries. */
  rethrow?: boolean
  signal?: AbortSignal
}

/** A healthy copy whose term ends within the margin (it is being renewed by replacement). */
function ending (copy: CopyRecord, horizon: number): boolean {
  return copy.termEndEpoch !== undefined && copy.termEndEpoch <= horizon
}

/**
 * Repair every root of the backend (or the one given) that lacks healthy copies.
 *
 * @example
 * ```ts
 * await checkCopies(backend)
 * const repairs = await repairCopies(backend, { dryRun: true })
 * ```
 */
export async function repairCopies (backend: FilecoinBackend, options: RepairOptions = {}): Promise<RootRepair[]> {
  const records = (await backend.records.all()).filter((r) => options.root === undefined || r.root === options.root)
  const repairs: RootRepair[] = []
  let ranked: Awaited<ReturnType<typeof rankProviders>> | undefined
  const horizon = records.some((r) => r.copies.some((c) => c.termEndEpoch !== undefined))
    ? await currentEpoch(backend.synapse) + backend.renewal.withinDays * EPOCHS_PER_DAY
    : 0
  for (const record of records) {
    options.signal?.throwIfAborted()
    const alive = record.copies.filter((c) => HEALTHY_STATES.has(c.state))
    const healthy = alive.filter((c) => !ending(c, horizon))
    if (healthy.length >= backend.copies) continue
    ranked ??= await rankProviders(backend, { ...(options.lotus !== undefined && { lotus: options.lotus }), ...(options.signal !== undefined && { signal: options.signal }) })
    const holding = new Set(record.copies.map((c) => c.providerId))
    const need = backend.copies - healthy.length
    const chosen = ranked.filter((p) => p.excluded === undefined && !holding.has(p.providerId)).slice(0, need).map((p) => p.providerId)
    const renewing = alive.filter((c) => ending(c, horizon))
    const repair: RootRepair = {
      root: record.root,
      kind: alive.length >= backend.copies ? 'renewal' : 'repair',
      healthy: healthy.length,
      wanted: backend.copies,
      replacing: [
        ...record.copies.filter((c) => !HEALTHY_STATES.has(c.state)).map((c) => ({ providerId: c.providerId, state: c.state, ...(c.reason !== undefined && { reason: c.reason }) })),
        ...renewing.map((c) => ({ providerId: c.providerId, state: c.state, reason: `term ends at epoch ${c.termEndEpoch ?? 0}` }))
      ],
      chosen,
      placed: []
    }
    repairs.push(repair)
    if (options.dryRun === true) continue
    try {
      if (chosen.length === 0) throw new BackendUnavailableError('no eligible provider holds no copy of it already')
      if (options.auto === true) await backend.spending.allow('repair', chosen.length)
      const car = await sourceCar(backend, record, alive, options)
      const result = await backend.synapse.storage.upload(car, { copies: chosen.length, providerIds: chosen.map(BigInt), ...(options.signal !== undefined && { signal: options.signal }) })
      const copies = await backend.acceptUpload(CID.parse(record.root), record.pieceCid, result)
      await backend.records.addCopies(record.root, copies)
      repair.placed = copies.map((c) => ({ providerId: c.providerId, dataSetId: c.dataSetId, pieceId: c.pieceId }))
      if (options.auto === true) await backend.spending.record('repair', copies.length)
    } catch (err) {
      options.signal?.throwIfAborted()
      repair.error = (err as Error).message
      if (isIpfsKitError(err)) repair.code = err.code
      if (repair.code === 'ERR_BUDGET_EXCEEDED') backend.events?.emit({ type: 'filecoin:budget', backend: backend.name, kind: 'repair', message: repair.error })
      announce(backend, repair)
      if (options.rethrow === true) throw err
      continue
    }
    announce(backend, repair)
  }
  return repairs
}

function announce (backend: FilecoinBackend, repair: RootRepair): void {
  backend.events?.emit({
    type: 'filecoin:repair', backend: backend.name, cid: repair.root, kind: repair.kind,
    replacing: repair.replacing.map((r) => r.providerId), chosen: repair.chosen, placed: repair.placed.map((p) => p.providerId),
    ...(repair.error !== undefined && { error: repair.error })
  })
}

/** The CAR a repair uploads: built from the given source's blocks, or read from one of the backend's copies and verified. */
async function sourceCar (backend: FilecoinBackend, record: RootRecord, alive: CopyRecord[], options: RepairOptions): Promise<Uint8Array> {
  const root = CID.parse(record.root)
  if (options.source !== undefined) return collectBlock(dagToCar(options.source, root, options.signal === undefined ? {} : { signal: options.signal }))
  const copy = alive[0] ?? record.copies.find((c) => c.state !== 'corrupt')
  if (copy === undefined) throw new BackendUnavailableError(`no copy of ${record.root} left in ${backend.name} to repair from, and no other source`)
  return (await backend.readVerifiedCar(root, copy, options)).car
}
