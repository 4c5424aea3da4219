import { z } from 'zod'

/** The payer's state on Filecoin Pay (payments.ts `PaymentStatus`). */
export const paymentStatusShape = z.object({
  address: z.string().describe('the payer (the backend\'s wallet)'),
  walletFil: z.string().describe('FIL in the wallet, for gas'),
  walletUsdfc: z.string().describe('USDFC in the wallet'),
  depositedUsdfc: z.string().describe('USDFC deposited into Filecoin Pay'),
  availableUsdfc: z.string().describe('deposited USDFC not locked up by rails'),
  lockupUsdfc: z.string().describe('USDFC locked up by rails'),
  lockupRatePerEpochUsdfc: z.string().describe('USDFC per epoch the rails charge'),
  serviceApproved: z.boolean().describe('the warm storage service may create rails for this payer'),
  rateAllowanceUsdfc: z.string().describe('the service\'s rate allowance'),
  lockupAllowanceUsdfc: z.string().describe('the service\'s lockup allowance'),
  maxLockupPeriodEpochs: z.string().describe('the longest lockup the service may set')
})

/** A payment step's outcome (payments.ts `PaymentStep`). */
export const paymentStepShape = z.object({
  backend: z.string().describe('the filecoin backend whose wallet pays'),
  action: z.enum(['deposit', 'approve']).describe('the step'),
  dryRun: z.boolean().describe('nothing was sent'),
  summary: z.string().describe('what it does, or would do'),
  amountUsdfc: z.string().optional().describe('the amount'),
  transaction: z.string().optional().describe('the transaction hash, when sent'),
  status: paymentStatusShape.describe('the payer\'s state after the step (before it, in a dry run)')
})

/** Human lines for a payment step. */
export function stepLines (out: z.infer<typeof paymentStepShape>): string[] {
  return [`${out.dryRun ? 'dry run: would ' : ''}${out.summary}`, ...(out.transaction !== undefined ? [`transaction ${out.transaction}`] : []),
    `deposited ${out.status.depositedUsdfc} USDFC (available ${out.status.availableUsdfc}), service ${out.status.serviceApproved ? 'approved' : 'not approved'}`]
}
