import { z } from 'zod'
import { NotSupportedError } from '../../../core/storage/errors.ts'
import type { OperationComponents } from '../operation.ts'
import type { RelayMigration } from '../../migration/start-migration.ts'
import type { Job, Plan } from '../../../core/migration/index.ts'

/** The migration controller, or `ERR_NOT_SUPPORTED` (501) when `migration.enabled` is false. */
export function migrationOf (components: OperationComponents): RelayMigration {
  if (components.migration === undefined) throw new NotSupportedError('this relay runs without the migration controller (migration.enabled is false)')
  return components.migration
}

const errorInfo = z.object({ code: z.string(), message: z.string() })

/** A job as every surface shows it. */
export const jobOutput = z.object({
  id: z.string().describe('job id'),
  cid: z.string().describe('root CID'),
  name: z.string().describe('pin name (empty when none)'),
  policy: z.string().describe('the policy that planned it'),
  action: z.enum(['copy', 'move', 'evict', 'expire', 'repair']).describe('repair: add the copies the target backend lacks inside it (Filecoin providers), queued by its repair command or watch'),
  priority: z.number(),
  auto: z.boolean().optional().describe('a repair its backend\'s watch queued (held to the budget cap)'),
  placed: z.array(z.string()).optional().describe('what a repair placed (Filecoin: provider ids)'),
  source: z.string().optional().describe('backend read from (copy, move) or removed from (move, evict)'),
  targets: z.array(z.string()).describe('backends that get a copy (for expire: those losing theirs)'),
  bytes: z.number().describe('size of the content'),
  state: z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']),
  step: z.enum(['copy', 'verify', 'record', 'remove']).optional().describe('the step running or last run'),
  done: z.array(z.string()).describe('targets holding a verified, recorded copy'),
  attempts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  nextAttemptAt: z.string().optional().describe('when a retry is due'),
  progress: z.object({ blocks: z.number(), bytes: z.number() }).describe('blocks and bytes read back from the last target'),
  error: errorInfo.optional().describe('why the last attempt failed')
})

/** A job as JSON. */
export function jobJson (job: Job): z.infer<typeof jobOutput> {
  return structuredClone(job)
}

/** One job as a CLI line. */
export function jobLine (job: z.infer<typeof jobOutput>): string {
  const where = job.action === 'expire' ? `everywhere (${job.targets.join(', ')})` : job.action === 'repair' ? `in ${job.targets.join(', ')} from ${job.source ?? 'its own copies'}${job.placed === undefined ? '' : ` placed on ${job.placed.join(', ') || 'none'}`}` : `${job.source ?? 'local'} → ${job.targets.join(', ') || '(removed)'}`
  return `${job.id}  ${job.state.padEnd(9)}  ${job.action.padEnd(6)}  ${job.cid}  ${where}${job.error === undefined ? '' : `  ${job.error.code}: ${job.error.message}`}`
}

const cost = z.object({
  egressUsd: z.number().describe('reading it out of the source once'),
  requestUsd: z.number().describe('requests at the targets'),
  addedUsdPerMonth: z.number().describe('storage added at the targets, per month'),
  removedUsdPerMonth: z.number().describe('storage no longer paid at the source, per month')
})

/** A plan as every surface shows it. */
export const planOutput = z.object({
  items: z.array(z.object({
    cid: z.string(),
    name: z.string(),
    policy: z.string(),
    action: z.enum(['copy', 'move', 'evict', 'expire']),
    priority: z.number(),
    source: z.string().optional(),
    targets: z.array(z.string()),
    bytes: z.number(),
    cost,
    savingUsdPerMonth: z.number().describe('removed minus added storage cost per month')
  })).describe('what would run, in run order'),
  skipped: z.array(z.object({ cid: z.string(), policy: z.string(), reason: z.string() })).describe('matched, but nothing to do'),
  totals: z.object({
    items: z.number(),
    bytes: z.number(),
    oneTimeUsd: z.number().describe('egress and requests'),
    addedUsdPerMonth: z.number(),
    removedUsdPerMonth: z.number(),
    savingUsdPerMonth: z.number()
  })
})

/** A plan as JSON. */
export function planJson (plan: Plan): z.infer<typeof planOutput> {
  return structuredClone(plan)
}

/** A plan as CLI lines: one per item, then the totals. */
export function planLines (plan: z.infer<typeof planOutput>): string[] {
  const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`
  return [
    ...plan.items.map(i => `${i.action.padEnd(6)}  ${i.cid}  ${i.source ?? ''}${i.targets.length > 0 ? ` → ${i.targets.join(', ')}` : ''}  ${i.bytes} B  one-time ${usd(i.cost.egressUsd + i.cost.requestUsd)}  saves ${usd(i.savingUsdPerMonth)}/month  (${i.policy})`),
    ...plan.skipped.map(s => `skip    ${s.cid}  ${s.reason}  (${s.policy})`),
    `total: ${plan.totals.items} item(s), ${plan.totals.bytes} B, one-time ${usd(plan.totals.oneTimeUsd)}, ${usd(plan.totals.addedUsdPerMonth)}/month added, ${usd(plan.totals.removedUsdPerMonth)}/month removed, saves ${usd(plan.totals.savingUsdPerMonth)}/month`
  ]
}

/** Which content and policies a plan covers. */
export const scopeInput = {
  policies: z.array(z.string()).optional().describe('only these policies (by name; a disabled one is used when named)'),
  cids: z.array(z.string()).optional().describe('only these CIDs')
}
