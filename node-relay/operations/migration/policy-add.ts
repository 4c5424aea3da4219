import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { policySchema } from '../../../core/migration/index.ts'
import { defineOperation } from '../operation.ts'
import { migrationOf } from './shapes.ts'

const output = z.object({ policy: policySchema.and(z.object({ source: z.enum(['config', 'api']) })) })

/** `policy_add`: add a migration policy (kept in the datastore). */
export const policyAdd = defineOperation({
  name: 'policy_add',
  title: 'Add a migration policy',
  description: 'Add a migration policy, e.g. {"name":"cold","match":{"notReadForDays":30,"minBytes":104857600},"action":"move","to":["s3-cold"]}; a bad field is a 400 naming it. Policies from the config file are changed there.',
  input: z.object({
    policy: policySchema.describe('the policy (docs/MIGRATION.md)'),
    replace: z.boolean().optional().describe('replace an API policy of the same name')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'admin',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/policies', tag: 'migration' },
  cli: { command: ['policy', 'add'], args: ['policy'], lines: (out: z.infer<typeof output>) => [`added policy ${out.policy.name}`] },
  async run (components, input) {
    const known = new Set(components.storage?.list().map(b => b.name) ?? ['local'])
    for (const name of [...(input.policy.to ?? []), ...(input.policy.from === undefined ? [] : [input.policy.from])]) {
      if (!known.has(name)) throw new InvalidInputError(`invalid input for policy_add: policy: backend "${name}" is not configured (configured: ${[...known].join(', ')})`)
    }
    return { policy: await migrationOf(components).policies.add(input.policy, { replace: input.replace }) }
  }
})
