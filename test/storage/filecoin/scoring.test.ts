import { describe, expect, it } from 'vitest'
import { scoreProviders } from '../../../node-relay/storage/filecoin/index.ts'
import type { ProviderCandidate, ProviderHistory } from '../../../node-relay/storage/filecoin/index.ts'

const fresh = (): ProviderHistory => ({ uploads: 0, uploadFailures: 0, retrievals: 0, retrievalFailures: 0, corruptReads: 0 })

describe('provider scoring', () => {
  it('changes with recorded history, and the explanation says why', () => {
    const a: ProviderCandidate = { providerId: '1', pricePerTibMonth: 2.5, history: fresh() }
    const b: ProviderCandidate = { providerId: '2', pricePerTibMonth: 2.5, history: fresh() }
    const even = scoreProviders([a, b])
    expect(even[0]?.score).toBeCloseTo(even[1]?.score ?? -1, 12)

    // provider 1 serves wrong bytes twice and fails an upload; provider 2 does well
    a.history = { uploads: 5, uploadFailures: 1, retrievals: 10, retrievalFailures: 0, corruptReads: 2, medianTtfbMs: 400 }
    b.history = { uploads: 5, uploadFailures: 0, retrievals: 10, retrievalFailures: 0, corruptReads: 0, medianTtfbMs: 400 }
    const after = scoreProviders([a, b])
    expect(after.map((s) => s.providerId)).toEqual(['2', '1'])
    expect((after[0]?.score ?? 0) - (after[1]?.score ?? 0)).toBeGreaterThan(0.05)
    const why = after[1]?.terms.find((t) => t.name === 'reliability')?.because
    expect(why).toBe('4/5 uploads, 8/10 verified retrievals, 2 served wrong bytes')
  })

  it('weighs faults on chain and price, and excludes by allow/deny lists', () => {
    const candidates: ProviderCandidate[] = [
      { providerId: '1', pricePerTibMonth: 2.5, faultySectors: 0, sectors: 1000 },
      { providerId: '2', pricePerTibMonth: 2.5, faultySectors: 50, sectors: 1000 },
      { providerId: '3', pricePerTibMonth: 5, faultySectors: 0, sectors: 1000 },
      { providerId: '4', pricePerTibMonth: 1, faultySectors: 0, sectors: 1000 }
    ]
    const scored = scoreProviders(candidates, { deny: ['4'] })
    expect(scored.map((s) => s.providerId)).toEqual(['1', '3', '2', '4'])
    expect(scored[3]).toMatchObject({ providerId: '4', score: 0, excluded: 'on the deny list' })
    expect(scored.find((s) => s.providerId === '2')?.terms.find((t) => t.name === 'faults')?.because).toBe('50 faulty of 1000 sectors')
    expect(scoreProviders(candidates, { allow: ['3'] })[0]?.providerId).toBe('3')
  })
})
