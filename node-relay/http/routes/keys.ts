import { errorSchema } from '../errors.ts'
import type { WsTickets } from '../../auth/ws-tickets.ts'
import type { FastifyInstance } from 'fastify'

/**
 * `POST /api/v1/ws-ticket`: a one-time ticket for `/ws`, bound to the HTTP caller's key (the key operations are in
 * node-relay/operations/admin). Written here because it belongs to the `/ws` transport, not to the node.
 */
export function wsTicketRoutes (app: FastifyInstance, tickets: WsTickets): void {
  app.post('/api/v1/ws-ticket', {
    schema: {
      summary: 'A one-time ticket for /ws',
      description: 'Browsers cannot send Authorization on a WebSocket: get a ticket with the key, then open `/ws?ticket=<ticket>` within a minute.',
      tags: ['auth'],
      response: { 200: { type: 'object', properties: { ticket: { type: 'string' }, expiresInMs: { type: 'number' } } }, '4xx': errorSchema }
    }
  }, async (request) => tickets.issue(request.principal))
}
