import { errorSchema } from '../errors.ts'
import type { KeyStore } from '../../auth/key-store.ts'
import type { WsTickets } from '../../auth/ws-tickets.ts'
import type { FastifyInstance } from 'fastify'

const keyInfoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    created: { type: 'string' },
    lastUsed: { type: 'string' },
    expires: { type: 'string' },
    revoked: { type: 'string' },
    quotaBytes: { type: 'integer' },
    storedBytes: { type: 'integer' },
    requestsPerMinute: { type: 'integer' }
  }
} as const

interface CreateBody { name: string, role?: string, scopes?: string[], ttlSeconds?: number, quotaBytes?: number, requestsPerMinute?: number }

/** The admin API for API keys (`admin` scope) and `/ws` tickets for browsers. */
export function keyRoutes (app: FastifyInstance, keys: KeyStore, tickets: WsTickets): void {
  app.get('/api/v1/keys', {
    schema: { summary: 'List API keys (never their secrets)', tags: ['auth'], response: { 200: { type: 'object', properties: { keys: { type: 'array', items: keyInfoSchema } } }, '4xx': errorSchema } }
  }, async () => ({ keys: keys.list() }))

  app.post<{ Body: CreateBody }>('/api/v1/keys', {
    schema: {
      summary: 'Create an API key',
      description: 'The key is in the answer once and is stored only as a salted hash. Give a built-in `role` (admin, writer, pinner, reader) or a list of `scopes`.',
      tags: ['auth'],
      body: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          role: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string' } },
          ttlSeconds: { type: 'integer', minimum: 1 },
          quotaBytes: { type: 'integer', minimum: 1, description: 'most bytes the key may add (507 ERR_QUOTA_EXCEEDED past it)' },
          requestsPerMinute: { type: 'integer', minimum: 1, description: 'this key\'s rate, instead of limits.requestsPerMinutePerKey' }
        }
      },
      response: { 201: { type: 'object', properties: { key: { type: 'string' }, info: keyInfoSchema } }, '4xx': errorSchema }
    }
  }, async (request, reply) => {
    const { name, role, scopes, ttlSeconds, quotaBytes, requestsPerMinute } = request.body
    const created = await keys.create({ name, role, scopes, ttlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000, quotaBytes, requestsPerMinute })
    return reply.status(201).send(created)
  })

  app.delete<{ Params: { id: string } }>('/api/v1/keys/:id', {
    schema: { summary: 'Revoke an API key', tags: ['auth'], params: { type: 'object', properties: { id: { type: 'string' } } }, response: { 200: keyInfoSchema, '4xx': errorSchema } }
  }, async (request) => keys.revoke(request.params.id))

  app.post('/api/v1/ws-ticket', {
    schema: {
      summary: 'A one-time ticket for /ws',
      description: 'Browsers cannot send Authorization on a WebSocket: get a ticket with the key, then open `/ws?ticket=<ticket>` within a minute.',
      tags: ['auth'],
      response: { 200: { type: 'object', properties: { ticket: { type: 'string' }, expiresInMs: { type: 'number' } } }, '4xx': errorSchema }
    }
  }, async (request) => tickets.issue(request.principal))
}
