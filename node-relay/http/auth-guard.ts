import { allows, allowsSomeBackend } from '../../core/auth/scopes.ts'
import { ForbiddenError } from '../../core/errors/index.ts'
import { accessOfRoute, checksOwnCredentials, PUBLIC } from '../auth/route-scopes.ts'
import { refuse } from './refuse.ts'
import { routeUrlOf } from './route-url.ts'
import type { RouteAccess } from '../auth/route-scopes.ts'
import type { ApiKeyInfo, KeyStore } from '../auth/key-store.ts'
import type { WsTickets } from '../auth/ws-tickets.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request was authenticated with (absent: no key, the local zero-config user or a public route). */
    principal?: ApiKeyInfo
  }
}

/** What the auth guard checks against. */
export interface AuthGuardOptions {
  keys: KeyStore
  /** Demand a key even when no key exists yet (`auth.required`). Otherwise keys are demanded once one exists. */
  required: boolean
  /** Serve `/metrics` without a key (`auth.publicMetrics`), for scrapers on a trusted network. */
  publicMetrics: boolean
  tickets: WsTickets
}

/** The bearer token of a request, if any (`Authorization: Bearer <key>`). */
export function bearerOf (request: FastifyRequest): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1]
}

/** A route the guard checks, with the access it needs. */
export interface GuardedRoute {
  method: string
  url: string
  access: RouteAccess
}

const guardedRoutes = new WeakMap<FastifyInstance, GuardedRoute[]>()

/** Every route registered on `app` since its guard was installed, with its access (tests enumerate them). */
export function routesGuardedBy (app: FastifyInstance): GuardedRoute[] {
  return [...guardedRoutes.get(app) ?? []]
}

function accessOf (method: string, url: string): RouteAccess | undefined {
  return accessOfRoute(method, url) ?? (method === 'HEAD' ? accessOfRoute('GET', url) : undefined)
}

function unauthorized (request: FastifyRequest, reply: FastifyReply, message: string, invalid: boolean): FastifyReply {
  const challenge = invalid ? 'Bearer realm="ipfs-kit", error="invalid_token"' : 'Bearer realm="ipfs-kit"'
  return refuse(request, reply, 401, { code: 'ERR_UNAUTHORIZED', message }, { 'www-authenticate': challenge })
}

/**
 * Access control for every route, in one place: an `onRoute` hook that refuses to register a route without an entry
 * in node-relay/auth/route-scopes.ts, and an `onRequest` hook that authenticates the bearer key (or a `/ws` ticket)
 * and checks the route's scope. With no key in existence and `auth.required` off, requests without a key pass (the
 * local user of `npm start`); a presented key is always checked. Denials: 401 `ERR_UNAUTHORIZED` with
 * `WWW-Authenticate`, 403 `ERR_FORBIDDEN`.
 */
export function registerAuthGuard (app: FastifyInstance, options: AuthGuardOptions): void {
  const routes: GuardedRoute[] = []
  guardedRoutes.set(app, routes)
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      const access = accessOf(method, route.url)
      if (access === undefined) {
        throw new Error(`route ${method} ${route.url} declares no scope: add it to node-relay/auth/route-scopes.ts`)
      }
      routes.push({ method, url: route.url, access })
    }
  })
  // bytes a key adds count against its quota: the size is in the write's small JSON answer
  // a callback hook, not an async one: most answers are not a keyed write, and then cost no promise here
  app.addHook('onSend', (request, reply, payload, done) => {
    const principal = request.principal
    const url = principal?.quotaBytes === undefined ? undefined : routeUrlOf(request)
    if (principal !== undefined && url !== undefined && reply.statusCode < 300 && typeof payload === 'string' && accessOf(request.method, url) === 'content:write') {
      options.keys.addStored(principal.id, Number(/"(?:bytes|size)":(\d+)/.exec(payload)?.[1] ?? 0))
    }
    done(null, payload)
  })
  // a callback hook (no promise per request): `done` when the request may go on; a refusal answers without it
  app.addHook('onRequest', (request, reply, done) => {
    if (guard(request, reply) === undefined) done()
  })
  function guard (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    const url = routeUrlOf(request)
    if (url === undefined || checksOwnCredentials(url)) return undefined // 404: nothing to protect; /mcp: its own guard
    let access = accessOf(request.method, url) ?? 'admin'
    if (access === 'metrics' && options.publicMetrics) access = PUBLIC
    const presented = bearerOf(request)
    if (presented !== undefined) {
      const principal = options.keys.verify(presented)
      if (principal === undefined) return unauthorized(request, reply, 'the API key is not valid (unknown, revoked or expired)', true)
      request.principal = principal
    } else if (url === '/ws' && typeof (request.query as { ticket?: unknown }).ticket === 'string') {
      const redeemed = options.tickets.redeem((request.query as { ticket: string }).ticket)
      if (redeemed === false) return unauthorized(request, reply, 'the /ws ticket is not valid (unknown, used or expired)', true)
      if (redeemed.principal === undefined) return undefined
      request.principal = redeemed.principal
    }
    if (access === PUBLIC) return undefined
    if (request.principal === undefined) {
      if (!options.required && !options.keys.hasActiveKeys()) return undefined
      return unauthorized(request, reply, `this route needs an API key with the ${access} scope: Authorization: Bearer <key>`, false)
    }
    if (access === 'content:write' && options.keys.overQuota(request.principal.id)) {
      return refuse(request, reply, 507, { code: 'ERR_QUOTA_EXCEEDED', message: `the key ${request.principal.name} has used its quota of ${request.principal.quotaBytes ?? 0} bytes` })
    }
    if (!allowsSomeBackend(request.principal.scopes, access)) {
      return refuse(request, reply, 403, { code: 'ERR_FORBIDDEN', message: `the key ${request.principal.name} lacks the ${access} scope` })
    }
    return undefined
  }
}

/**
 * Inside a route, demand `scope` of the caller (e.g. `storage:s3:write` for each backend a placement touches): a
 * request without a principal got past the guard because no key is demanded, so it may. Throws 403 `ERR_FORBIDDEN`.
 */
export function demandScope (request: FastifyRequest, scope: Parameters<typeof allows>[1]): void {
  if (request.principal === undefined || allows(request.principal.scopes, scope)) return
  throw new ForbiddenError(`the key ${request.principal.name} lacks the ${scope} scope`)
}
