import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { paymentStepShape, stepLines } from './pay-shapes.ts'
import { filecoinBackendField } from './shapes.ts'

/** `filecoin_pay_approve`: let the warm storage service create storage rails for the payer. */
export const filecoinPayApprove = defineOperation({
  name: 'filecoin_pay_approve',
  title: 'Approve the warm storage service',
  description: 'Approve the Filecoin Onchain Cloud warm storage service as an operator on the filecoin backend\'s Filecoin Pay account, with the SDK\'s default rate and lockup allowances, so uploads can create payment rails. Sends a transaction signed with the wallet key; dryRun says what it would do.',
  input: z.object({
    backend: filecoinBackendField,
    dryRun: z.boolean().default(false).describe('say what would be done; send nothing')
  }),
  output: paymentStepShape,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  scope: 'admin',
  requires: ['storage'],
  rest: { method: 'POST', path: '/api/v1/filecoin/pay/approve', tag: 'storage' },
  cli: { command: ['filecoin', 'pay', 'approve'], lines: stepLines },
  async run (components, input) {
    const backend = filecoinBackendOf(components, input.backend)
    const { approveService } = await import('../../storage/filecoin/payments.ts')
    return { backend: backend.name, ...await approveService(backend.synapse, input.dryRun) }
  }
})
