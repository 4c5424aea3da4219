import { errorSchema } from '../errors.ts'
import { verifyAuditLog } from '../../audit/verify.ts'
import type { AuditLog } from '../../audit/audit-log.ts'
import type { FastifyInstance } from 'fastify'

/** `GET /api/v1/audit` (the last entries) and `GET /api/v1/audit/verify` (check the whole chain), scope `admin`. */
export function auditRoutes (app: FastifyInstance, audit: AuditLog, dir: string, peerId: string): void {
  app.get<{ Querystring: { limit?: number } }>('/api/v1/audit', {
    schema: {
      summary: 'The last audit log entries',
      tags: ['auth'],
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 } } },
      response: { 200: { type: 'object', properties: { entries: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, '4xx': errorSchema }
    }
  }, async (request) => ({ entries: await audit.tail(request.query.limit ?? 100) }))

  app.get('/api/v1/audit/verify', {
    schema: {
      summary: 'Verify the audit log\'s hash chain and signatures',
      tags: ['auth'],
      response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorSchema }
    }
  }, async () => {
    await audit.tail(1) // waits for writes in flight
    return await verifyAuditLog(dir, { expectedPeerId: peerId })
  })
}
