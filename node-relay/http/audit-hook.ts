import { routeUrlOf } from './route-url.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import type { KeyStore } from '../auth/key-store.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Who made a request, as the audit log names them. */
export function actorOf (request: FastifyRequest, keys?: KeyStore): string {
  if (request.principal !== undefined) return `${request.principal.id.startsWith('oauth:') ? '' : 'key:'}${request.principal.id} (${request.principal.name})`
  return keys?.hasActiveKeys() === true ? 'anonymous' : 'local'
}

/**
 * Audit every write (any method but GET/HEAD/OPTIONS) and every denied request (401/403) once it is answered:
 * who, what route, which CID or key, from where, the status. MCP tool calls are audited per tool by the MCP server,
 * so only its denials are logged here. Never the request's headers or body (keys stay out of the log).
 */
export function registerAuditHook (app: FastifyInstance, audit: AuditLog, keys?: KeyStore): void {
  // the CID a write produced (an add, a block put, a CAR import) is in its small JSON answer
  const produced = new WeakMap<FastifyRequest, string>()
  // callback hooks, not async ones: a read (most requests) then costs no promise here
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (!READS.has(request.method) && typeof payload === 'string' && payload.length < 65_536) {
      const cid = /"(?:cid|roots?)":\[?"([^"]{8,200})"/.exec(payload)?.[1]
      if (cid !== undefined) produced.set(request, cid)
    }
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode
    const denied = status === 401 || status === 403
    const route = routeUrlOf(request) ?? request.url.split('?')[0] ?? ''
    if (!denied && (READS.has(request.method) || route.startsWith('/mcp'))) {
      done()
      return
    }
    const params = (request.params ?? {}) as Record<string, string | undefined>
    audit.append({
      actor: actorOf(request, keys),
      ip: request.ip,
      action: `${request.method} ${route}`,
      target: params.cid ?? params.id ?? params.name ?? produced.get(request),
      result: denied ? 'denied' : status < 400 ? 'ok' : 'error',
      status
    }).then(() => { done() }, done)
  })
}
