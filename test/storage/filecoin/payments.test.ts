import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approveService, depositUsdfc, paymentStatus } from '../../../node-relay/storage/filecoin/payments.ts'
import { mockSynapse } from '../../support/synapse-client.ts'
import { startSynapseProviders } from '../../support/synapse-providers.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'

let providers: SynapseProviders
beforeAll(() => { providers = startSynapseProviders({ tokenApproved: true }) })
afterAll(() => { providers.stop() })

describe('Filecoin Pay setup through the SDK (on its mocks)', () => {
  it('reads the wallet, the Filecoin Pay account and the service approval', async () => {
    const status = await paymentStatus(mockSynapse())
    expect(status).toMatchObject({ address: '0x2e988A386a799F506693793c6A5AF6B54dfAaBfB', walletFil: '100', walletUsdfc: '1000', depositedUsdfc: '500', serviceApproved: true })
  })

  it('a dry run describes a deposit and sends nothing; the deposit itself returns its transaction', async () => {
    const synapse = mockSynapse()
    const dry = await depositUsdfc(synapse, '12.5', true)
    expect(dry).toMatchObject({ action: 'deposit', dryRun: true, amountUsdfc: '12.5' })
    expect(dry.transaction).toBeUndefined()
    expect(dry.summary).toContain('deposit 12.5 USDFC')
    const done = await depositUsdfc(synapse, '12.5', false)
    expect(done.transaction).toMatch(/^0x[0-9a-f]{64}$/)
  })

  it('approves the warm storage service', async () => {
    const step = await approveService(mockSynapse(), false)
    expect(step.transaction).toMatch(/^0x[0-9a-f]{64}$/)
    expect((await approveService(mockSynapse(), true)).summary).toContain('already approved')
  })
})
