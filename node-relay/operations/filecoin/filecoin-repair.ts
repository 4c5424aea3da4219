import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { rootsInput } from './shapes.ts'

const output = z.object({
  backend: z.string().describe('the filecoin backend'),
  dryRun: z.boolean().describe('nothing was placed'),
  changes: z.array(z.object({
    root: z.string(), providerId: z.string(), dataSetId: z.string(), from: z.string(), to: z.string(), reason: z.string().optional()
  })).describe('copy state changes the check found'),
  repairs: z.array(z.object({
    root: z.string().describe('root CID'),
    kind: z.enum(['repair', 'renewal']).describe('repair: copies were lost; renewal: healthy copies whose terms end within renewWithinDays'),
    healthy: z.number().describe('healthy copies before (not counting those whose term ends soon)'),
    wanted: z.number().describe('copies the backend keeps'),
    replacing: z.array(z.object({ providerId: z.string(), state: z.string(), reason: z.string().optional() })).describe('unhealthy copies'),
    chosen: z.array(z.string()).describe('providers chosen for new copies, best score first'),
    placed: z.array(z.object({ providerId: z.string(), dataSetId: z.string(), pieceId: z.string() })).describe('new copies placed'),
    error: z.string().optional().describe('why it could not be repaired'),
    code: z.string().optional().describe('the error\'s stable code'),
    job: z.string().optional().describe('the migration job the repair was queued as (see migration jobs)')
  })).describe('one entry per root short of healthy copies')
})

type Output = z.infer<typeof output>

/** `filecoin_repair`: check proofs and replace unhealthy copies. */
export const filecoinRepair = defineOperation({
  name: 'filecoin_repair',
  title: 'Repair Filecoin copies',
  description: 'Read the PDP verifier for every copy (faulted: a proof overdue; terminated; removed), then give each root short of healthy copies new ones with the best-scored providers that hold none, uploaded from a copy verified against the root (another backend\'s, or one of its own). With the migration controller each repair is queued as a migration job (its id in `job`; see migration jobs), otherwise it runs here. dryRun shows the state changes and the providers it would choose, and places nothing. Spends from the payer\'s Filecoin Pay deposit.',
  input: rootsInput.extend({
    dryRun: z.boolean().default(false).describe('say what would be done; place nothing')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
  scope: 'storage:*:write',
  requires: ['storage'],
  rest: { method: 'POST', path: '/api/v1/filecoin/repair', tag: 'storage' },
  cli: {
    command: ['filecoin', 'repair'],
    args: ['cid'],
    lines: (out: Output) => [
      ...out.changes.map(c => `${c.root}  provider ${c.providerId}: ${c.from} → ${c.to}${c.reason !== undefined ? ` (${c.reason})` : ''}`),
      ...out.repairs.map(r => `${r.root}  ${r.healthy}/${r.wanted} healthy${r.kind === 'renewal' ? ' (terms ending)' : ''}; ${r.job !== undefined ? `queued as job ${r.job}` : `${out.dryRun ? 'would place' : 'placed'} on ${(out.dryRun ? r.chosen : r.placed.map(p => p.providerId)).join(', ') || 'none'}`}${r.error !== undefined ? `  error: ${r.error}` : ''}`),
      ...(out.repairs.length === 0 ? ['every root has its copies'] : [])
    ],
    failed: (out: Output) => out.repairs.some(r => r.error !== undefined)
  },
  async run (components, input, { signal, demand }) {
    const backend = filecoinBackendOf(components, input.backend)
    // loaded when used: the Synapse SDK is heavy for every CLI start
    const { checkCopies } = await import('../../storage/filecoin/tracking.ts')
    const { repairCopies } = await import('../../storage/filecoin/repair.ts')
    demand(`storage:${backend.name}:write`)
    const root = input.cid === undefined ? undefined : cidOf(input.cid).toString()
    const changes = (await checkCopies(backend, { signal })).filter(c => root === undefined || c.root === root)
    const lotus = components.filecoin?.lotus
    const options = { ...(root !== undefined && { root }), ...(lotus !== undefined && { lotus }), signal }
    const { migration, storage } = components
    const repairs = input.dryRun || migration === undefined || storage === undefined
      ? await repairCopies(backend, { ...options, dryRun: input.dryRun })
      : await (await import('../../storage/filecoin/repair-jobs.ts')).enqueueRepairs(backend, { controller: migration.controller, storage }, options)
    return { backend: backend.name, dryRun: input.dryRun, changes, repairs }
  }
})
