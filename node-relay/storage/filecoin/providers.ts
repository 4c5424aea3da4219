/**
 * Provider candidates and their ranking: the active PDP providers of the Filecoin Onchain Cloud registry as the
 * Synapse SDK lists them (`synapse.providers.getAllActiveProviders()`), whether the warm storage service approves
 * each, their price and location from the registry, joined with our own history with each provider and, where the
 * operator maps a registry id to a storage provider (miner) id, its faulty sectors on chain from the Lotus client.
 */
import { WarmStorageService } from '@filoz/synapse-sdk/warm-storage'
import { providerChainInfo } from './analytics.ts'
import { scoreProviders } from './scoring.ts'
import type { FilecoinBackend } from './backend.ts'
import type { LotusClient } from './lotus.ts'
import type { ProviderCandidate, ProviderScore, ScoringPolicy } from './scoring.ts'

const USDFC = 1e18
const DAYS_PER_MONTH = 30

/** One ranked provider: what the registry says, what we measured, and its score. */
export interface RankedProvider extends ProviderScore {
  name: string
  serviceUrl: string
  /** Location tag from the registry. */
  region: string
  /** Approved by the warm storage service (only approved providers take new data sets). */
  approved: boolean
  pricePerTibMonth: number
  /** The storage provider (miner) id mapped by the operator, and its faulty sectors (when the chain was read). */
  miner?: string
  faultySectors?: number
  /** Why the chain facts could not be read, when they could not. */
  chainError?: string
  history?: ProviderCandidate['history']
}

/**
 * Every active registry provider, scored best first. Providers the warm storage service does not approve are
 * excluded (`excluded: 'not approved by the warm storage service'`) besides the operator's own filters.
 */
export async function rankProviders (backend: FilecoinBackend, options: { lotus?: LotusClient, policy?: ScoringPolicy, signal?: AbortSignal } = {}): Promise<RankedProvider[]> {
  const [providers, approvedIds] = await Promise.all([
    backend.synapse.providers.getAllActiveProviders(),
    new WarmStorageService({ client: backend.synapse.client }).getApprovedProviderIds()
  ])
  const approved = new Set(approvedIds.map((id) => id.toString()))
  const details = new Map<string, Omit<RankedProvider, keyof ProviderScore>>()
  const candidates = await Promise.all(providers.map(async (p): Promise<ProviderCandidate> => {
    options.signal?.throwIfAborted()
    const id = p.id.toString()
    const history = await backend.history.get(id)
    const pricePerTibMonth = Number(p.pdp.storagePricePerTibPerDay) / USDFC * DAYS_PER_MONTH
    const miner = backend.minerIds[id]
    const chain: { faultySectors?: number, chainError?: string } = {}
    if (miner !== undefined && options.lotus !== undefined) {
      try {
        chain.faultySectors = (await providerChainInfo(options.lotus, miner, options.signal)).faultySectors
      } catch (err) {
        options.signal?.throwIfAborted()
        chain.chainError = (err as Error).message
      }
    }
    details.set(id, {
      name: p.name, serviceUrl: p.pdp.serviceURL, region: p.pdp.location, approved: approved.has(id), pricePerTibMonth,
      ...(miner !== undefined && { miner }), ...chain, ...(history !== undefined && { history })
    })
    return { providerId: id, pricePerTibMonth, region: p.pdp.location, ...(chain.faultySectors !== undefined && { faultySectors: chain.faultySectors }), ...(history !== undefined && { history }) }
  }))
  const policy = options.policy ?? backend.policy
  return scoreProviders(candidates, policy).map((score): RankedProvider => {
    const detail = details.get(score.providerId)
    if (detail === undefined) throw new Error(`provider ${score.providerId} was scored but not listed`)
    const unapproved = !detail.approved && score.excluded === undefined
    return { ...score, ...detail, ...(unapproved && { score: 0, excluded: 'not approved by the warm storage service' }) }
  }).sort((a, b) => Number(a.excluded !== undefined) - Number(b.excluded !== undefined) || b.score - a.score)
}
