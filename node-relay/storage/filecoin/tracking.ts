/**
 * Copy tracking: each copy's state from the PDP verifier contract, as the Synapse SDK's core reads it (data set live,
 * next challenge epoch, scheduled removals) and the warm storage service's PDP config (proving period, challenge
 * window). A copy is `proving` once its data set is challenged, `proven` when a proof confirmed after the piece was
 * added (last proven epoch = next challenge − proving period), `faulted` when the challenge window passed without a
 * proof, `terminated` when the data set is no longer live, `removed` when the piece's removal is scheduled. `corrupt`
 * (wrong bytes served to us) and `removed` are kept: the chain cannot clear them.
 *
 * A copy's term: when the data set's PDP service is terminated (by us or the provider), warm storage sets its
 * `pdpEndEpoch`, the epoch the payment rail ends and the provider may drop the data; the copy records it as
 * `termEndEpoch` and becomes `expired` once the chain passes it. renew.ts replaces copies before that.
 */
import { dataSetLive, getNextChallengeEpoch, getScheduledRemovals } from '@filoz/synapse-core/pdp-verifier'
import { getDataSet } from '@filoz/synapse-core/warm-storage'
import { WarmStorageService } from '@filoz/synapse-sdk/warm-storage'
import { EPOCH_SECONDS, currentEpoch } from './epoch.ts'
import type { FilecoinBackend } from './backend.ts'
import type { CopyRecord, CopyState } from './copies.ts'

/** A copy's state change found by a check. */
export interface CopyChange {
  root: string
  providerId: string
  dataSetId: string
  from: CopyState
  to: CopyState
  reason?: string
}

/** What the PDP verifier says of one data set at one epoch. */
interface DataSetView {
  live: boolean
  nextChallenge: bigint | null
  removals: ReadonlySet<string>
  /** The data set's PDP end epoch (its rail's end), when its service was terminated. */
  endEpoch?: number
}

/** The PDP timing the warm storage service uses. */
interface ProvingConfig {
  maxProvingPeriod: bigint
  challengeWindowSize: bigint
}

/** The state a copy is in given its data set's view (pure, exported for tests of the rules). */
export function copyState (copy: CopyRecord, view: DataSetView, config: ProvingConfig, epoch: number): { state: CopyState, reason?: string, lastProvenEpoch?: number, nextChallengeEpoch?: number } {
  if (copy.state === 'corrupt' || copy.state === 'removed') return { state: copy.state }
  if (view.endEpoch !== undefined && epoch >= view.endEpoch) return { state: 'expired', reason: `data set ${copy.dataSetId}'s term ended at epoch ${view.endEpoch}` }
  if (!view.live) return { state: 'terminated', reason: `data set ${copy.dataSetId} is no longer live` }
  if (view.removals.has(copy.pieceId)) return { state: 'removed', reason: `removal of piece ${copy.pieceId} is scheduled` }
  if (view.nextChallenge === null) return { state: 'proving', reason: 'awaiting the first challenge' }
  const next = Number(view.nextChallenge)
  const deadline = next + Number(config.challengeWindowSize)
  const lastProven = next - Number(config.maxProvingPeriod)
  if (epoch >= deadline) return { state: 'faulted', reason: `no proof for the challenge at epoch ${next} (window closed at ${deadline}, now ${epoch})`, nextChallengeEpoch: next }
  const proven = copy.addedEpoch !== undefined && lastProven > copy.addedEpoch
  return { state: proven ? 'proven' : 'proving', lastProvenEpoch: lastProven, nextChallengeEpoch: next }
}

/**
 * Read the PDP verifier for every copy the backend records and move each to its state; a copy reaching `proven` for
 * the first time adds its upload-to-proof time to the provider's history. Returns the changes.
 */
export async function checkCopies (backend: FilecoinBackend, options: { signal?: AbortSignal } = {}): Promise<CopyChange[]> {
  const client = backend.synapse.client
  const [epoch, config] = await Promise.all([currentEpoch(backend.synapse), new WarmStorageService({ client }).getPDPConfig()])
  const views = new Map<string, Promise<DataSetView>>()
  const viewOf = async (dataSetId: string): Promise<DataSetView> => {
    let view = views.get(dataSetId)
    if (view === undefined) {
      const id = BigInt(dataSetId)
      view = (async () => {
        const [live, nextChallenge, removals, info] = await Promise.all([
          dataSetLive(client, { dataSetId: id }),
          getNextChallengeEpoch(client, { dataSetId: id }),
          getScheduledRemovals(client, { dataSetId: id }),
          getDataSet(client, { dataSetId: id })
        ])
        const end = info?.pdpEndEpoch ?? 0n
        return { live, nextChallenge, removals: new Set(removals.map((r) => r.toString())), ...(end > 0n && { endEpoch: Number(end) }) }
      })()
      views.set(dataSetId, view)
    }
    return await view
  }
  const changes: CopyChange[] = []
  for (const record of await backend.records.all()) {
    for (const copy of record.copies) {
      options.signal?.throwIfAborted()
      const view = await viewOf(copy.dataSetId)
      const found = copyState(copy, view, config, epoch)
      const now = new Date().toISOString()
      const change: Partial<CopyRecord> = {
        checkedAt: now,
        ...(view.endEpoch !== undefined && { termEndEpoch: view.endEpoch }),
        ...(found.lastProvenEpoch !== undefined && { lastProvenEpoch: found.lastProvenEpoch }),
        ...(found.nextChallengeEpoch !== undefined && { nextChallengeEpoch: found.nextChallengeEpoch })
      }
      if (found.state !== copy.state) {
        const moved: CopyChange = { root: record.root, providerId: copy.providerId, dataSetId: copy.dataSetId, from: copy.state, to: found.state, ...(found.reason !== undefined && { reason: found.reason }) }
        changes.push(moved)
        backend.announce(moved)
        Object.assign(change, { state: found.state, updatedAt: now, ...(found.reason !== undefined && { reason: found.reason }) })
      }
      if (found.state === 'proven' && copy.provenAt === undefined) {
        change.provenAt = now
        if (copy.addedEpoch !== undefined && found.lastProvenEpoch !== undefined) {
          await backend.history.proof(copy.providerId, (found.lastProvenEpoch - copy.addedEpoch) * EPOCH_SECONDS * 1000)
        }
      }
      await backend.records.update(record.root, copy.providerId, copy.dataSetId, change)
    }
  }
  return changes
}
