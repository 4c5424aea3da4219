import { isIP } from 'node:net'
import { refuse } from './refuse.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** What the cross-site guard knows: the relay's listen address and the operator's allowlists (`http.*`). */
export interface SiteGuardOptions {
  /** The HTTP listen address (`http.host`): a request naming it in `Host` is always ours. */
  listenHost: string
  /** Origins besides the relay's own that may use the whole API (`*`: every origin). */
  allowedOrigins: string[]
  /** Host names besides IP literals, `localhost` and the listen address that the relay answers to (`*`: any). */
  allowedHosts: string[]
}

/** Headers a browser on an allowed origin may send, and those it may read back. */
const ALLOW_HEADERS = 'authorization, content-type, accept, range, if-none-match'
const EXPOSE_HEADERS = 'Content-Length, Content-Range, Etag, X-Ipfs-Path, X-Ipfs-Roots, WWW-Authenticate'

/**
 * Reads any web page may make and see: the trustless gateway (the gateway spec asks for `Access-Control-Allow-Origin:
 * *`), the relay's identity (the web component finds the relay's WebSocket address there), health, and the app's
 * static assets. Everything else (the API, `/ws`, `/metrics`) is the local user's and answers only its own origin.
 */
export function isPublicRead (method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return false
  const path = url.split('?')[0] ?? ''
  if (path.startsWith('/ipfs/') || path === '/api/v1/id' || path === '/health') return true
  return !path.startsWith('/api/') && path !== '/ws' && path !== '/metrics' && !path.startsWith('/mcp') && !path.startsWith('/docs')
}

/** The MCP endpoint and its OAuth metadata run their own origin and token checks (node-relay/mcp/http-guard.ts). */
function isMcpPath (url: string): boolean {
  return url.startsWith('/mcp') || url.startsWith('/.well-known/oauth-protected-resource')
}

/** The host name of a `Host` header (`[::1]:8998` → `::1`, `Example.COM.` → `example.com`). */
export function hostnameOf (host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host)
  const name = bracketed?.[1] ?? host.replace(/:\d+$/, '')
  return name.toLowerCase().replace(/\.$/, '')
}

/**
 * Whether a `Host` names this relay. DNS rebinding needs a name the attacker's DNS controls, so IP literals are
 * always ours, as are `localhost` and `*.localhost` (browsers resolve them to loopback themselves) and the listen
 * address; any other name must be listed in `http.allowedHosts`.
 */
export function hostAllowed (host: string | undefined, options: Pick<SiteGuardOptions, 'listenHost' | 'allowedHosts'>): boolean {
  if (host === undefined || host === '') return true // HTTP/1.0 clients; no browser sends a request without Host
  if (options.allowedHosts.includes('*')) return true
  const name = hostnameOf(host)
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true
  if (name === hostnameOf(options.listenHost)) return true
  return options.allowedHosts.some(allowed => hostnameOf(allowed) === name)
}

/** Whether `origin` is the relay's own (the scheme and `Host` the request came to), e.g. the PWA the relay serves. */
function isSameOrigin (origin: string, request: FastifyRequest): boolean {
  try {
    const url = new URL(origin)
    return url.host.toLowerCase() === (request.headers.host ?? '').toLowerCase() && url.protocol === `${request.protocol}:`
  } catch {
    return false
  }
}

function forbid (request: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  return refuse(request, reply, 403, { code: 'ERR_FORBIDDEN', message }, { vary: 'origin' })
}

/**
 * A Fastify `onRequest` hook against cross-site use of the relay (as Kubo's API does):
 * - a `Host` that is not the relay's (a DNS-rebinding page) → 403;
 * - a browser `Origin` that is neither the relay's own nor in `http.allowedOrigins` → 403, except for the public reads
 *   ({@link isPublicRead}); this covers "simple" cross-site POSTs that need no preflight, DELETEs, and `/ws`, whose
 *   upgrade browsers send without CORS;
 * - CORS preflights are answered (204) only for allowed origins; allowed origins get `Access-Control-Allow-Origin`.
 * Runs before the body is read, so a refused upload stores nothing. A callback hook (no promise per request): it
 * calls `done` when the request may go on, and answers without calling it when refused.
 */
export function siteGuard (options: SiteGuardOptions): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const check = siteCheck(options)
  return (request, reply, done) => {
    if (check(request, reply) === undefined) done()
  }
}

/** How many `Host` values {@link hostVerdicts} remembers before it starts over. */
const HOST_VERDICTS = 64

/**
 * {@link hostAllowed}, remembered per `Host` value: a client sends the same `Host` on every request, and parsing it
 * (a regular expression, lower-casing) showed in the profile of small requests. Bounded: a client inventing names
 * only makes the table start over.
 */
function hostVerdicts (options: Pick<SiteGuardOptions, 'listenHost' | 'allowedHosts'>): (host: string | undefined) => boolean {
  const verdicts = new Map<string, boolean>()
  return (host) => {
    if (host === undefined) return hostAllowed(host, options)
    let verdict = verdicts.get(host)
    if (verdict === undefined) {
      verdict = hostAllowed(host, options)
      if (verdicts.size >= HOST_VERDICTS) verdicts.clear()
      verdicts.set(host, verdict)
    }
    return verdict
  }
}

/** The checks of {@link siteGuard}: the reply when it answered (refused, or a preflight), else undefined. */
function siteCheck (options: SiteGuardOptions): (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined {
  const anyOrigin = options.allowedOrigins.includes('*')
  const allowed = new Set(options.allowedOrigins)
  const hostOk = hostVerdicts(options)
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    if (!hostOk(request.headers.host)) {
      return forbid(request, reply, `Host ${request.headers.host ?? ''} is not a name of this relay (add it to http.allowedHosts)`)
    }
    if (isMcpPath(request.url)) return undefined
    const origin = request.headers.origin
    if (origin === undefined || isSameOrigin(origin, request)) return undefined
    if (anyOrigin || allowed.has(origin)) {
      void reply.header('access-control-allow-origin', origin).header('vary', 'origin')
        .header('access-control-expose-headers', EXPOSE_HEADERS)
      if (request.method === 'OPTIONS') {
        return reply.status(204).header('access-control-allow-methods', 'GET, HEAD, POST, PUT, DELETE, OPTIONS')
          .header('access-control-allow-headers', ALLOW_HEADERS).header('access-control-max-age', '600').send()
      }
      return undefined
    }
    if (isPublicRead(request.method, request.url)) {
      if (request.method === 'OPTIONS') {
        return reply.status(204).header('access-control-allow-origin', '*').header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
          .header('access-control-allow-headers', ALLOW_HEADERS).header('access-control-max-age', '600').send()
      }
      return undefined
    }
    return forbid(request, reply, `cross-origin request from ${origin} refused (the relay answers its own origin; add it to http.allowedOrigins)`)
  }
}
