import multipart from '@fastify/multipart'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import Fastify from 'fastify'
import { handleError } from './errors.ts'
import { docsUiOptions } from './docs-ui.ts'
import { RelayLogController } from './request-log.ts'
import { createRelayLogger } from '../log/create-logger.ts'
import { siteGuard } from './site-guard.ts'
import { registerAuthGuard } from './auth-guard.ts'
import { wsTicketRoutes } from './routes/keys.ts'
import { registerAuditHook } from './audit-hook.ts'
import { registerLimits } from './limits.ts'
import { guardSlowClients } from './slow-clients.ts'
import { eventRoutes } from './routes/events.ts'
import { gatewayRoutes } from './routes/gateway.ts'
import { healthRoutes } from './routes/health.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { operationComponentsOf, operationRoutes } from './operation-routes.ts'
import { pinningRoutes } from './routes/pinning.ts'
import { kuboRoutes } from '../kubo/routes.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { routingRoutes } from './routes/routing.ts'
import { searchRoutes } from './routes/search.ts'
import { mcpRoutes } from '../mcp/http.ts'
import { routeUrlOf } from './route-url.ts'
import type { HttpContext } from './context.ts'
import type { TlsMaterial } from '../tls/load-tls.ts'
import type { FastifyInstance } from 'fastify'

/** Content types whose bodies reach handlers as the raw request stream (never buffered). */
const STREAMED_TYPES = ['application/octet-stream', 'application/vnd.ipld.car', 'application/vnd.ipld.raw']

/**
 * Build the relay's HTTP server (not yet listening): REST under /api/v1, the trustless gateway under /ipfs,
 * /health, /metrics, /ws and the OpenAPI docs at /docs.
 */
export async function buildHttpServer (ctx: HttpContext, tls?: TlsMaterial): Promise<FastifyInstance> {
  // with a certificate the server speaks HTTPS (and /ws becomes WSS); the routes see the same instance type
  // slowloris: headers must arrive within headersTimeoutMs, checked often enough for small values to hold
  const timing = { headersTimeout: ctx.config.http.headersTimeoutMs, connectionsCheckingInterval: Math.min(5_000, Math.max(100, ctx.config.http.headersTimeoutMs / 4)) }
  const app = Fastify({
    ...(tls === undefined ? { http: timing } : { https: { cert: tls.cert, key: tls.key, ...timing } }),
    connectionTimeout: ctx.config.http.idleTimeoutMs,
    ...(ctx.config.logLevel === 'silent' ? { logger: false } : { loggerInstance: ctx.logger ?? createRelayLogger({ level: ctx.config.logLevel, format: ctx.config.logFormat }) }),
    logController: new RelayLogController(ctx.config.http.slowRequestMs),
    bodyLimit: ctx.config.http.bodyLimitBytes,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allowUnionTypes: true } }
  }) as unknown as FastifyInstance
  app.setErrorHandler(handleError)
  guardSlowClients(app, ctx.config.http)
  app.addHook('onRequest', siteGuard({ listenHost: ctx.config.http.host, allowedOrigins: ctx.config.http.allowedOrigins, allowedHosts: ctx.config.http.allowedHosts }))
  if (ctx.auth !== undefined) {
    registerAuthGuard(app, { keys: ctx.auth.keys, tickets: ctx.auth.tickets, required: ctx.config.auth.required, publicMetrics: ctx.config.auth.publicMetrics })
  }
  if (ctx.audit !== undefined) registerAuditHook(app, ctx.audit.log, ctx.auth?.keys)
  await registerLimits(app, ctx.config)
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` })
  })
  for (const type of STREAMED_TYPES) {
    app.addContentTypeParser(type, (_request, payload, done) => { done(null, payload) })
  }
  // the per-request hooks below take fastify's `done` callback instead of being async: an async hook costs a
  // promise and two microtasks on every request, which showed in the profile of small requests (docs/PERFORMANCE.md)
  app.addHook('onSend', (request, reply, payload, done) => {
    // read-only public surfaces are readable from any origin (the trustless gateway spec asks for it; pages
    // embedding the web component read the relay's id); writes stay same-origin
    const publicRead = request.url.startsWith('/ipfs/') || request.url.startsWith('/api/v1/id') || request.url.startsWith('/health')
    if ((request.method === 'GET' || request.method === 'HEAD') && publicRead && !reply.hasHeader('access-control-allow-origin')) {
      void reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'Content-Length, Content-Range, Etag, X-Ipfs-Path')
    }
    done(null, payload)
  })
  const series = metricSeries(ctx.metrics)
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeUrlOf(request) ?? 'unmatched'
    const labelled = series(request.method, route, reply.statusCode)
    labelled.duration.observe(reply.elapsedTime / 1000)
    const length = Number(reply.getHeader('content-length') ?? 0)
    if (length > 0) labelled.bytesOut.inc(length)
    const inLength = Number(request.headers['content-length'] ?? 0)
    if (inLength > 0) labelled.bytesIn.inc(inLength)
    done()
  })

  await app.register(multipart, { limits: { fileSize: ctx.config.http.maxUploadBytes, files: 100_000, fields: 1000, parts: 101_000 } })
  await app.register(websocket)
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'ipfs-kit relay API', version: '1', description: 'Content-addressed storage: REST under /api/v1, a trustless gateway under /ipfs, events on /ws. Errors are `{ code, message }` with stable codes.' },
      tags: [{ name: 'content' }, { name: 'pins' }, { name: 'blocks' }, { name: 'car' }, { name: 'dag' }, { name: 'gateway' }, { name: 'node' }, { name: 'events' }, { name: 'cluster' }, { name: 'storage' }, { name: 'migration' }, { name: 'registry' }, { name: 'auth' }]
    }
  })
  await app.register(swaggerUi, await docsUiOptions())

  operationRoutes(app, operationComponentsOf(ctx))
  kuboRoutes(app, operationComponentsOf(ctx), ctx.config.http.maxUploadBytes, ctx.service.id().agentVersion)
  pinningRoutes(app, operationComponentsOf(ctx), ctx.node === undefined ? undefined : async (addr) => { await ctx.node?.libp2p.dial(multiaddr(addr)) })
  gatewayRoutes(app, ctx)
  routingRoutes(app, ctx)
  healthRoutes(app, ctx)
  metricsRoutes(app, ctx)
  eventRoutes(app, ctx)
  if (ctx.search !== undefined) searchRoutes(app, operationComponentsOf(ctx))
  if (ctx.auth !== undefined) wsTicketRoutes(app, ctx.auth.tickets)
  mcpRoutes(app, ctx)
  return app
}

/**
 * The request metrics' labelled series for one method, route and status, made once and reused: prom-client hashes
 * a label object on every `observe`/`inc`, which showed in the profile of small requests; a route pattern, not the
 * URL, is the label, so the set stays small.
 */
function metricSeries (metrics: HttpContext['metrics']): (method: string, route: string, status: number) => { duration: Observer, bytesIn: Incrementer, bytesOut: Incrementer } {
  const made = new Map<string, { duration: Observer, bytesIn: Incrementer, bytesOut: Incrementer }>()
  return (method, route, status) => {
    const key = `${method} ${status} ${route}`
    let found = made.get(key)
    if (found === undefined) {
      found = { duration: metrics.httpDuration.labels({ method, route, status: String(status) }), bytesIn: metrics.httpBytesIn.labels({ route }), bytesOut: metrics.httpBytesOut.labels({ route }) }
      made.set(key, found)
    }
    return found
  }
}

interface Observer { observe: (value: number) => void }
interface Incrementer { inc: (value: number) => void }
