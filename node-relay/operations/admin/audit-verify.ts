import { z } from 'zod'
import { verifyAuditLog } from '../../audit/verify.ts'
import { auditOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

/** `audit_verify`: check the audit log's chain and signatures. */
export const auditVerify = defineOperation({
  name: 'audit_verify',
  title: 'Verify the audit log',
  description: 'Check the audit log\'s hash chain and its signed checkpoints from the first entry: whether any entry was changed, removed or inserted.',
  input: z.object({}),
  output: z.looseObject({}).describe('the verification report: entries checked, checkpoints, the first break if any'),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['audit'],
  rest: { method: 'GET', path: '/api/v1/audit/verify', tag: 'auth' },
  cli: { command: ['audit', 'verify'], custom: true },
  async run (components) {
    const audit = auditOf(components)
    await audit.log.tail(1) // waits for writes in flight
    return await verifyAuditLog(audit.dir, { expectedPeerId: components.service.id().peerId, live: true }) as unknown as Record<string, unknown>
  }
})
