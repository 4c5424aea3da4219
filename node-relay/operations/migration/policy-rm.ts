import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { migrationOf } from './shapes.ts'

const output = z.object({ name: z.string().describe('the removed policy') })

/** `policy_rm`: remove an API-added migration policy. */
export const policyRm = defineOperation({
  name: 'policy_rm',
  title: 'Remove a migration policy',
  description: 'Remove a migration policy added over the API (jobs it already queued keep running; cancel them with migration_cancel).',
  input: z.object({ name: z.string().min(1).describe('policy name') }),
  output,
  annotations: { readOnly: false, destructive: true, idempotent: false, openWorld: false },
  scope: 'admin',
  requires: ['migration'],
  rest: { method: 'DELETE', path: '/api/v1/policies/:name', tag: 'migration' },
  cli: { command: ['policy', 'rm'], args: ['name'], lines: (out: z.infer<typeof output>) => [`removed policy ${out.name}`] },
  async run (components, input) {
    await migrationOf(components).policies.remove(input.name)
    return { name: input.name }
  }
})
