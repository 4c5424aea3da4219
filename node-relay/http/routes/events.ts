import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

/**
 * `/ws`: a WebSocket that streams every {@link NodeEvent} as one JSON text frame (`{ type, at, ... }`, schema in
 * core/events/bus.ts). `?types=pin:added,pin:removed` filters. The server never reads from the socket. At most
 * `limits.maxWsClients` at once (more are closed with 1013); a client whose unread backlog passes
 * `limits.wsSendBufferBytes` is dropped.
 */
export function eventRoutes (app: FastifyInstance, ctx: HttpContext): void {
  let clients = 0
  app.get<{ Querystring: { types?: string } }>('/ws', { websocket: true, schema: { summary: 'Event stream (WebSocket)', tags: ['events'], hide: true } }, (socket, request) => {
    const { maxWsClients, wsSendBufferBytes } = ctx.config.limits
    if (clients >= maxWsClients) {
      socket.close(1013, `too many /ws clients (${maxWsClients}); try again later`)
      return
    }
    clients++
    const wanted = new Set((request.query.types ?? '').split(',').map(s => s.trim()).filter(s => s !== ''))
    ctx.metrics.wsClients.inc()
    const unsubscribe = ctx.events.subscribe(event => {
      if (wanted.size > 0 && !wanted.has(event.type)) return
      if (socket.readyState !== socket.OPEN) return
      // a client that does not read is dropped, not buffered for without end
      if (socket.bufferedAmount > wsSendBufferBytes) {
        socket.terminate()
        return
      }
      socket.send(JSON.stringify(event))
    })
    socket.send(JSON.stringify({ type: 'hello', at: new Date().toISOString(), peerId: ctx.service.id().peerId }))
    socket.on('close', () => {
      clients--
      unsubscribe()
      ctx.metrics.wsClients.dec()
    })
  })
}
