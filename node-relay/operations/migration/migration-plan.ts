import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { migrationOf, planJson, planLines, planOutput, scopeInput } from './shapes.ts'

/** `migration_plan`: what the policies would do, with costs, changing nothing (a dry run). */
export const migrationPlan = defineOperation({
  name: 'migration_plan',
  title: 'Plan migrations',
  description: 'What the migration policies would do now (copy, move, evict, expire), item by item with source, targets, bytes, one-time cost (egress, requests) and monthly storage saving from the backends\' cost profiles. Changes nothing: this is the dry run. Deterministic for the same content and policies.',
  input: z.object(scopeInput),
  output: planOutput,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'storage:*:read',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/migrations/plan', tag: 'migration' },
  cli: { command: ['migrate', 'plan'], lines: planLines },
  async run (components, input, { signal }) {
    return planJson(await migrationOf(components).plan({ ...input, signal }))
  }
})
