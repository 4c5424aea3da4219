import { z } from 'zod'
import { auditOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

/** `audit_log`: the last entries of the audit log. */
export const auditLog = defineOperation({
  name: 'audit_log',
  title: 'Audit log',
  description: 'The last entries of the hash-chained audit log: who (which key) did what to which CID, when, and whether it succeeded.',
  input: z.object({ limit: z.number().int().min(1).max(10_000).optional().describe('entries to return, newest last (default 100)') }),
  output: z.object({ entries: z.array(z.record(z.string(), z.unknown())).describe('the entries') }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['audit'],
  rest: { method: 'GET', path: '/api/v1/audit', tag: 'auth' },
  cli: { command: ['audit', 'ls'], custom: true },
  async run (components, input) {
    return { entries: await auditOf(components).log.tail(input.limit ?? 100) as unknown as Array<Record<string, unknown>> }
  }
})
