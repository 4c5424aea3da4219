import { z } from 'zod'
import { policySchema, retentionSchema } from '../../../core/migration/index.ts'
import { defineOperation } from '../operation.ts'
import { migrationOf } from './shapes.ts'

const output = z.object({
  policies: z.array(policySchema.and(z.object({ source: z.enum(['config', 'api']).describe('where it is defined') }))).describe('every policy, config first'),
  retention: z.array(retentionSchema).describe('retention rules and legal holds (from the config)')
})

/** `policy_list`: the migration policies and retention rules in force. */
export const policyList = defineOperation({
  name: 'policy_list',
  title: 'List migration policies',
  description: 'The migration policies in force (from the config file and added over the API) and the retention rules; each policy says what it matches and what it does (copy, move, evict, expire).',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'storage:*:read',
  requires: ['migration'],
  rest: { method: 'GET', path: '/api/v1/policies', tag: 'migration' },
  cli: {
    command: ['policy', 'ls'],
    lines: (out: z.infer<typeof output>) => [
      ...out.policies.map(p => `${p.name.padEnd(16)}  ${p.enabled ? 'on ' : 'off'}  ${String(p.priority).padStart(3)}  ${p.action}${p.from === undefined ? '' : ` from ${p.from}`}${p.to === undefined ? '' : ` to ${p.to.join(', ')}`}  match ${JSON.stringify(p.match)}  (${p.source})`),
      ...out.retention.map(r => `retain ${r.name}: ${r.legalHold ? 'legal hold' : `${r.keepDays ?? 0} days`}  match ${JSON.stringify(r.match)}`)
    ]
  },
  async run (components) {
    const migration = migrationOf(components)
    return { policies: migration.policies.list(), retention: [...migration.retention()] }
  }
})
