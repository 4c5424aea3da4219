import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { jobJson, jobLine, jobOutput, migrationOf, planJson, planLines, planOutput, scopeInput } from './shapes.ts'

const output = z.object({
  plan: planOutput,
  jobs: z.array(jobOutput).describe('the queued jobs (none on a dry run); an item with an unfinished job of its policy keeps that job')
})

/** `migration_start`: plan by the policies and queue the plan's items as jobs. */
export const migrationStart = defineOperation({
  name: 'migration_start',
  title: 'Start migrations',
  description: 'Plan by the migration policies and queue every item as a job: each copy is verified by reading it back through its target before it is recorded, and a source copy is removed only after that. `dryRun` returns the plan and queues nothing. Follow the jobs with migration_status or the migration:* events on /ws.',
  input: z.object({ ...scopeInput, dryRun: z.boolean().optional().describe('plan only, queue nothing') }),
  output,
  annotations: { readOnly: false, destructive: true, idempotent: false, openWorld: true },
  scope: 'storage:*:write',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/migrations', tag: 'migration' },
  // hand-written (node-relay/cli/commands/migrate.ts): it follows the jobs with a progress bar until they finish
  cli: { command: ['migrate', 'run'], lines: (out: z.infer<typeof output>) => [...planLines(out.plan), ...out.jobs.map(jobLine)], custom: true },
  async run (components, input, { signal }) {
    const migration = migrationOf(components)
    if (input.dryRun === true) return { plan: planJson(await migration.plan({ ...input, signal })), jobs: [] }
    const { plan, jobs } = await migration.run({ ...input, signal })
    return { plan: planJson(plan), jobs: jobs.map(jobJson) }
  }
})
