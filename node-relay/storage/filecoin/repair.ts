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
import { isIpfsKitError } from '../../../core/errors/index.ts'
import { HEALTHY_STATES } from './copies.ts'
import { EPOCHS_PER_DAY, currentEpoch } from './epoch.ts'
import { rankProviders } from './providers.ts'
import type { FilecoinBackend } from './backend.ts'
import type { CopyRecord } from './copies.ts'
import type { LotusClient } from './lotus.ts'

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
export async function repairCopies (backend: FilecoinBackend, options: { root?: string, dryRun?: boolean, auto?: boolean, lotus?: LotusClient, signal?: AbortSignal } = {}): Promise<RootRepair[]> {
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
    if (chosen.length === 0) {
      repair.error = 'no eligible provider holds no copy of it already'
      continue
    }
    try {
      if (options.auto === true) await backend.spending.allow('repair', chosen.length)
      const root = CID.parse(record.root)
      const source = alive[0] ?? record.copies.find((c) => c.state !== 'corrupt')
      if (source === undefined) throw new Error('no copy left to repair from')
      const { car } = await backend.readVerifiedCar(root, source, options)
      const result = await backend.synapse.storage.upload(car, { copies: chosen.length, providerIds: chosen.map(BigInt), ...(options.signal !== undefined && { signal: options.signal }) })
      const copies = await backend.acceptUpload(root, record.pieceCid, result)
      await backend.records.addCopies(record.root, copies)
      repair.placed = copies.map((c) => ({ providerId: c.providerId, dataSetId: c.dataSetId, pieceId: c.pieceId }))
      if (options.auto === true) await backend.spending.record('repair', copies.length)
    } catch (err) {
      options.signal?.throwIfAborted()
      repair.error = (err as Error).message
      if (isIpfsKitError(err)) repair.code = err.code
      if (repair.code === 'ERR_BUDGET_EXCEEDED') backend.events?.emit({ type: 'filecoin:budget', backend: backend.name, kind: 'repair', message: repair.error })
    }
    backend.events?.emit({
      type: 'filecoin:repair', backend: backend.name, cid: record.root, kind: repair.kind,
      replacing: repair.replacing.map((r) => r.providerId), chosen, placed: repair.placed.map((p) => p.providerId),
      ...(repair.error !== undefined && { error: repair.error })
    })
  }
  return repairs
}
