import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { quoteFilecoin } from '../../storage/filecoin/costs.ts'
import { filecoinBackendField } from './shapes.ts'

const output = z.object({
  backend: z.string().describe('the filecoin backend asked'),
  bytes: z.number().describe('bytes quoted'),
  copies: z.number().describe('copies quoted'),
  months: z.number().describe('months quoted'),
  perCopyMonthlyUsdfc: z.string().describe('USDFC per month for one copy'),
  monthlyUsdfc: z.string().describe('USDFC per month for every copy'),
  totalUsdfc: z.string().describe('USDFC for every copy over the months'),
  depositNeededUsdfc: z.string().describe('USDFC still to deposit into Filecoin Pay before the first copy can be placed'),
  needsApproval: z.boolean().describe('the warm storage service still needs the payer\'s approval'),
  ready: z.boolean().describe('no deposit or approval is missing'),
  storageUsdPerGbMonth: z.number().describe('the same price as US dollars per GB per month for all copies (USDFC at $1)')
})

/** `filecoin_costs`: what storing a size would cost, from the SDK's own calculation. */
export const filecoinCosts = defineOperation({
  name: 'filecoin_costs',
  title: 'Filecoin storage costs',
  description: 'What storing `size` bytes as `copies` copies for `months` would cost on Filecoin Onchain Cloud, from the Synapse SDK\'s cost calculation (the warm storage price, the payer\'s Filecoin Pay account, the current epoch), and what deposit or approval is still missing. Reads the chain; signs and spends nothing.',
  input: z.object({
    backend: filecoinBackendField,
    size: z.number().int().positive().max(2 ** 50).default(2 ** 30).describe('bytes to store (default 1 GiB)'),
    copies: z.number().int().min(1).max(8).optional().describe('copies, each with a distinct provider (default: the backend\'s)'),
    months: z.number().int().min(1).max(120).default(1).describe('months to keep them')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'storage:*:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/filecoin/costs', tag: 'storage' },
  cli: {
    command: ['filecoin', 'costs'],
    lines: (out: z.infer<typeof output>) => [
      `${out.bytes} bytes × ${out.copies} copies × ${out.months} months: ${out.totalUsdfc} USDFC (${out.monthlyUsdfc}/month, ${out.perCopyMonthlyUsdfc}/month per copy)`,
      out.ready ? 'payments ready' : `still to do: deposit ${out.depositNeededUsdfc} USDFC${out.needsApproval ? ', approve the warm storage service' : ''} (ipfs-kit filecoin pay)`
    ]
  },
  async run (components, input, { demand }) {
    const backend = filecoinBackendOf(components, input.backend)
    demand(`storage:${backend.name}:read`)
    const quote = await quoteFilecoin(backend.synapse, { bytes: input.size, copies: input.copies ?? backend.copies, months: input.months })
    return { backend: backend.name, ...quote }
  }
})
