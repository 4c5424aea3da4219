/**
 * Repair: a root whose healthy copies (`stored`, `added`, `proving`, `proven`) are fewer than the backend wants gets
 * new copies from providers chosen by the scorer among those holding no copy of it (in any state), uploaded through
 * the SDK from a copy verified against the root CID here. Unhealthy copies stay in the record with their state and
 * reason, so the record shows what was replaced and why. A dry run says what would be done and moves nothing.
 */
import { CID } from 'multiformats/cid'
import { HEALTHY_STATES } from './copies.ts'
import { rankProviders } from './providers.ts'
import type { FilecoinBackend } from './backend.ts'
import type { LotusClient } from './lotus.ts'

/** What a repair did (or, in a dry run, would do) for one root. */
export interface RootRepair {
  root: string
  /** Healthy copies before the repair. */
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
export async function repairCopies (backend: FilecoinBackend, options: { root?: string, dryRun?: boolean, lotus?: LotusClient, signal?: AbortSignal } = {}): Promise<RootRepair[]> {
  const records = (await backend.records.all()).filter((r) => options.root === undefined || r.root === options.root)
  const repairs: RootRepair[] = []
  let ranked: Awaited<ReturnType<typeof rankProviders>> | undefined
  for (const record of records) {
    options.signal?.throwIfAborted()
    const healthy = record.copies.filter((c) => HEALTHY_STATES.has(c.state))
    if (healthy.length >= backend.copies) continue
    ranked ??= await rankProviders(backend, { ...(options.lotus !== undefined && { lotus: options.lotus }), ...(options.signal !== undefined && { signal: options.signal }) })
    const holding = new Set(record.copies.map((c) => c.providerId))
    const need = backend.copies - healthy.length
    const chosen = ranked.filter((p) => p.excluded === undefined && !holding.has(p.providerId)).slice(0, need).map((p) => p.providerId)
    const repair: RootRepair = {
      root: record.root,
      healthy: healthy.length,
      wanted: backend.copies,
      replacing: record.copies.filter((c) => !HEALTHY_STATES.has(c.state)).map((c) => ({ providerId: c.providerId, state: c.state, ...(c.reason !== undefined && { reason: c.reason }) })),
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
      const root = CID.parse(record.root)
      const source = healthy[0] ?? record.copies.find((c) => c.state !== 'corrupt')
      if (source === undefined) throw new Error('no copy left to repair from')
      const { car } = await backend.readVerifiedCar(root, source, options)
      const result = await backend.synapse.storage.upload(car, { copies: chosen.length, providerIds: chosen.map(BigInt), ...(options.signal !== undefined && { signal: options.signal }) })
      const copies = await backend.acceptUpload(root, record.pieceCid, result)
      await backend.records.addCopies(record.root, copies)
      repair.placed = copies.map((c) => ({ providerId: c.providerId, dataSetId: c.dataSetId, pieceId: c.pieceId }))
    } catch (err) {
      options.signal?.throwIfAborted()
      repair.error = (err as Error).message
    }
  }
  return repairs
}
