import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFilecoinBackend, quoteFilecoin } from '../../../node-relay/storage/filecoin/index.ts'
import { mockSynapse } from '../../support/synapse-client.ts'
import { startSynapseProviders } from '../../support/synapse-providers.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'

let providers: SynapseProviders
beforeAll(() => { providers = startSynapseProviders() })
afterAll(() => { providers.stop() })

describe('filecoin costs from the SDK calculation (warm storage price and account state from the SDK mocks)', () => {
  it('quotes per copy and in total, and says whether payment setup is missing', async () => {
    const quote = await quoteFilecoin(mockSynapse(), { bytes: 1024 ** 4, copies: 2 })
    expect(Number(quote.perCopyMonthlyUsdfc)).toBeGreaterThan(0)
    expect(Number(quote.monthlyUsdfc)).toBeCloseTo(2 * Number(quote.perCopyMonthlyUsdfc), 12)
    expect(typeof quote.ready).toBe('boolean')
    expect(quote.ready).toBe(quote.depositNeededUsdfc === '0' && !quote.needsApproval)
    expect(quote.storageUsdPerGbMonth).toBeGreaterThan(0)
  })

  it('a backend takes its storage price from the quote', async () => {
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2 })
    const before = backend.cost.storageUsdPerGbMonth
    const quote = await backend.refreshCost()
    expect(backend.cost.storageUsdPerGbMonth).toBe(quote.storageUsdPerGbMonth)
    expect(typeof before).toBe('number')
  })
})
