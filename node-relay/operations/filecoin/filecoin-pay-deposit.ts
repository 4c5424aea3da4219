import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { paymentStepShape, stepLines } from './pay-shapes.ts'
import { filecoinBackendField } from './shapes.ts'

/** `filecoin_pay_deposit`: move USDFC from the wallet into Filecoin Pay. */
export const filecoinPayDeposit = defineOperation({
  name: 'filecoin_pay_deposit',
  title: 'Deposit into Filecoin Pay',
  description: 'Deposit USDFC from the filecoin backend\'s wallet into Filecoin Pay, where storage rails are paid from (the SDK approves the token for Filecoin Pay first when needed). Spends: sends transactions signed with the wallet key. dryRun reads the account and says what it would do.',
  input: z.object({
    backend: filecoinBackendField,
    amount: z.string().regex(/^\d{1,12}(\.\d{1,18})?$/, 'a USDFC amount such as 10 or 2.5').describe('USDFC to deposit'),
    dryRun: z.boolean().default(false).describe('say what would be done; send nothing')
  }),
  output: paymentStepShape,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
  scope: 'admin',
  requires: ['storage'],
  rest: { method: 'POST', path: '/api/v1/filecoin/pay/deposit', tag: 'storage' },
  cli: { command: ['filecoin', 'pay', 'deposit'], args: ['amount'], lines: stepLines },
  async run (components, input) {
    const backend = filecoinBackendOf(components, input.backend)
    const { depositUsdfc } = await import('../../storage/filecoin/payments.ts')
    return { backend: backend.name, ...await depositUsdfc(backend.synapse, input.amount, input.dryRun) }
  }
})
