/**
 * Provider scoring: a score from 0 to 1 per storage provider from what we can measure and explain — our own history
 * with it (upload success, retrieval success, time to first byte, copies that served wrong bytes, time to the first
 * confirmed proof), proof faults on chain, price, and the operator's allow/deny lists and region tags. Every score comes with the terms that made it (`--explain`).
 */

/** What we recorded with one provider. */
export interface ProviderHistory {
  uploads: number
  uploadFailures: number
  retrievals: number
  retrievalFailures: number
  /** Copies that served bytes failing verification. */
  corruptReads: number
  /** Median time to first byte of our retrievals, milliseconds. */
  medianTtfbMs?: number
  /** Median time from upload to the first confirmed proof, milliseconds. */
  medianProofMs?: number
}

/** One candidate. */
export interface ProviderCandidate {
  providerId: string
  /** Storage price, USDFC per TiB per month. */
  pricePerTibMonth: number
  /** Faulty sectors on chain now, and sectors in total (when known). */
  faultySectors?: number
  sectors?: number
  /** The provider's location tag from the registry (e.g. `US`, `EU`). */
  region?: string
  history?: ProviderHistory
}

/** Operator filters. */
export interface ScoringPolicy {
  allow?: string[]
  deny?: string[]
  /** Region tags to keep (a provider whose location is none of them is excluded); all regions when absent. */
  regions?: string[]
  /** Weights of the terms (defaults: reliability 0.5, faults 0.2, price 0.2, latency 0.1, proof 0.1). */
  weights?: Partial<Record<TermName, number>>
}

/** The terms a score is made of. */
export type TermName = 'reliability' | 'faults' | 'price' | 'latency' | 'proof'

/** One term of a score. */
export interface ScoreTerm {
  name: TermName
  /** The term's value, 0–1. */
  value: number
  weight: number
  /** Why, in words. */
  because: string
}

/** A provider's score and its explanation. */
export interface ProviderScore {
  providerId: string
  /** 0–1; 0 when excluded. */
  score: number
  excluded?: string
  terms: ScoreTerm[]
}

const DEFAULT_WEIGHTS = { reliability: 0.5, faults: 0.2, price: 0.2, latency: 0.1, proof: 0.1 }

/** Laplace-smoothed success rate: a provider with no history starts at 0.5, not at 0 or 1. */
function rate (ok: number, total: number): number {
  return (ok + 1) / (total + 2)
}

function reliability (h: ProviderHistory | undefined): ScoreTerm & { weight: number } {
  if (h === undefined) return { name: 'reliability', value: 0.5, weight: 0, because: 'no history yet (neutral)' }
  const upload = rate(h.uploads - h.uploadFailures, h.uploads)
  const retrieval = rate(h.retrievals - h.retrievalFailures - h.corruptReads, h.retrievals)
  return {
    name: 'reliability',
    value: upload * retrieval,
    weight: 0,
    because: `${h.uploads - h.uploadFailures}/${h.uploads} uploads, ${h.retrievals - h.retrievalFailures - h.corruptReads}/${h.retrievals} verified retrievals` +
      (h.corruptReads > 0 ? `, ${h.corruptReads} served wrong bytes` : '')
  }
}

/**
 * Score every candidate; the result is sorted best first (excluded ones last).
 *
 * @example
 * ```ts
 * const [best] = scoreProviders(candidates, { deny: ['7'] })
 * ```
 */
export function scoreProviders (candidates: ProviderCandidate[], policy: ScoringPolicy = {}): ProviderScore[] {
  const weights = { ...DEFAULT_WEIGHTS, ...policy.weights }
  const allow = policy.allow !== undefined ? new Set(policy.allow) : undefined
  const deny = new Set(policy.deny ?? [])
  const regions = policy.regions !== undefined ? new Set(policy.regions.map((r) => r.toUpperCase())) : undefined
  const prices = candidates.map((c) => c.pricePerTibMonth).filter((p) => p > 0)
  const cheapest = prices.length > 0 ? Math.min(...prices) : 0
  const scores = candidates.map((c): ProviderScore => {
    const terms: ScoreTerm[] = []
    const rel = reliability(c.history)
    terms.push({ ...rel, weight: weights.reliability })
    const faultShare = c.sectors !== undefined && c.sectors > 0 ? (c.faultySectors ?? 0) / c.sectors : (c.faultySectors ?? 0) > 0 ? 1 : 0
    terms.push({ name: 'faults', value: 1 - Math.min(1, faultShare * 10), weight: weights.faults, because: c.faultySectors === undefined ? 'no chain data' : `${c.faultySectors} faulty of ${c.sectors ?? '?'} sectors` })
    terms.push({ name: 'price', value: c.pricePerTibMonth <= 0 ? 1 : cheapest / c.pricePerTibMonth, weight: weights.price, because: `${c.pricePerTibMonth} USDFC/TiB/month (cheapest ${cheapest})` })
    const ttfb = c.history?.medianTtfbMs
    terms.push({ name: 'latency', value: ttfb === undefined ? 0.5 : 1 / (1 + ttfb / 1000), weight: weights.latency, because: ttfb === undefined ? 'not measured (neutral)' : `median time to first byte ${ttfb} ms` })
    const proof = c.history?.medianProofMs
    const hours = proof === undefined ? undefined : proof / 3_600_000
    terms.push({ name: 'proof', value: hours === undefined ? 0.5 : 1 / (1 + hours / 24), weight: weights.proof, because: hours === undefined ? 'no confirmed proof yet (neutral)' : `median ${hours.toFixed(1)} h from upload to the first confirmed proof` })
    const total = terms.reduce((n, t) => n + t.weight, 0)
    const score = total === 0 ? 0 : terms.reduce((n, t) => n + t.value * t.weight, 0) / total
    const excluded = deny.has(c.providerId)
      ? 'on the deny list'
      : allow !== undefined && !allow.has(c.providerId)
        ? 'not on the allow list'
        : regions !== undefined && !regions.has((c.region ?? '').toUpperCase()) ? `region ${c.region ?? 'unknown'} is not in ${[...regions].join(', ')}` : undefined
    return { providerId: c.providerId, score: excluded !== undefined ? 0 : score, terms, ...(excluded !== undefined && { excluded }) }
  })
  return scores.sort((a, b) => Number(a.excluded !== undefined) - Number(b.excluded !== undefined) || b.score - a.score)
}
