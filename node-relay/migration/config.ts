import { z } from 'zod'
import { policySchema, retentionSchema } from '../../core/migration/index.ts'

/** The relay config's `migration` section (docs/MIGRATION.md). */
export const migrationSchema = z.object({
  enabled: z.boolean().default(true).describe('run the migration controller (its jobs, policies and retention rules)'),
  policies: z.array(policySchema).default([]).describe('migration policies (more can be added over the API; those live in the datastore)'),
  retention: z.array(retentionSchema).default([]).describe('retention rules and legal holds: what may not be deleted yet'),
  intervalMs: z.number().int().min(0).default(3_600_000).describe('plan and queue by the policies this often (0: only when asked: migrate run)'),
  concurrencyPerBackend: z.number().int().min(1).max(64).default(2).describe('jobs touching one backend at once'),
  maxAttempts: z.number().int().min(1).max(100).default(5).describe('attempts before a job with passing failures fails for good'),
  retryBaseMs: z.number().int().min(1).default(2_000).describe('first retry delay; doubles per attempt, at most 5 minutes')
}).strict().superRefine((section, ctx) => {
  const seen = new Set<string>()
  section.policies.forEach((policy, i) => {
    if (seen.has(policy.name)) ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: `two policies are named "${policy.name}"` })
    seen.add(policy.name)
  })
})

/** The validated `migration` section. */
export type MigrationConfig = z.infer<typeof migrationSchema>
