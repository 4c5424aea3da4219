import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { paymentStatusShape } from './pay-shapes.ts'
import { filecoinBackendField } from './shapes.ts'

const output = paymentStatusShape.extend({ backend: z.string().describe('the filecoin backend whose wallet pays') })

/** `filecoin_pay_status`: the payer's wallet, Filecoin Pay account and service approval. */
export const filecoinPayStatus = defineOperation({
  name: 'filecoin_pay_status',
  title: 'Filecoin Pay status',
  description: 'The filecoin backend\'s payer on Filecoin Pay: wallet FIL and USDFC, deposited and available USDFC, lockup and its rate, and whether the warm storage service is approved with which allowances. Reads only; admin scope because it shows the wallet.',
  input: z.object({ backend: filecoinBackendField }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'admin',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/filecoin/pay', tag: 'storage' },
  cli: {
    command: ['filecoin', 'pay', 'status'],
    lines: (out: z.infer<typeof output>) => [
      `payer ${out.address}: wallet ${out.walletFil} FIL, ${out.walletUsdfc} USDFC`,
      `Filecoin Pay: deposited ${out.depositedUsdfc} USDFC, available ${out.availableUsdfc}, locked ${out.lockupUsdfc} (${out.lockupRatePerEpochUsdfc}/epoch)`,
      `warm storage service ${out.serviceApproved ? 'approved' : 'NOT approved'}: rate allowance ${out.rateAllowanceUsdfc}, lockup allowance ${out.lockupAllowanceUsdfc}, max lockup ${out.maxLockupPeriodEpochs} epochs`
    ]
  },
  async run (components, input) {
    const backend = filecoinBackendOf(components, input.backend)
    const { paymentStatus } = await import('../../storage/filecoin/payments.ts')
    return { backend: backend.name, ...await paymentStatus(backend.synapse) }
  }
})
