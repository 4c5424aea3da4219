import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

/**
 * `/ws`: a WebSocket that streams every {@link NodeEvent} as one JSON text frame (`{ type, at, ... }`, schema in
 * core/events/bus.ts). `?types=pin:added,pin:removed` filters. The server never reads from the socket.
 */
export function eventRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get<{ Querystring: { types?: string } }>('/ws', { websocket: true, schema: { summary: 'Event stream (WebSocket)', tags: ['events'], hide: true } }, (socket, request) => {
    const wanted = new Set((request.query.types ?? '').split(',').map(s => s.trim()).filter(s => s !== ''))
    ctx.metrics.wsClients.inc()
    const unsubscribe = ctx.events.subscribe(event => {
      if (wanted.size > 0 && !wanted.has(event.type)) return
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event))
    })
    socket.send(JSON.stringify({ type: 'hello', at: new Date().toISOString(), peerId: ctx.service.id().peerId }))
    socket.on('close', () => {
      unsubscribe()
      ctx.metrics.wsClients.dec()
    })
  })
}
