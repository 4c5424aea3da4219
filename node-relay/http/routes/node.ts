import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

/** REST routes about the node itself: id and peers. */
export function nodeRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get('/api/v1/id', {
    schema: {
      summary: 'This node\'s peer id and addresses',
      tags: ['node'],
      response: { 200: { type: 'object', properties: { peerId: { type: 'string' }, addresses: { type: 'array', items: { type: 'string' } }, agentVersion: { type: 'string' }, protocols: { type: 'array', items: { type: 'string' } } } } }
    }
  }, async () => ctx.service.id())

  app.get('/api/v1/peers', {
    schema: {
      summary: 'Connected peers',
      tags: ['node'],
      response: { 200: { type: 'object', properties: { peers: { type: 'array', items: { type: 'object', properties: { peerId: { type: 'string' }, addr: { type: 'string' }, direction: { type: 'string' }, limited: { type: 'boolean' } } } } } } }
    }
  }, async () => ({ peers: ctx.service.peers() }))
}
