import { KUBO_COMMANDS } from '../kubo/commands.ts'
import { OPERATIONS } from '../operations/index.ts'
import type { Scope } from '../../core/auth/scopes.ts'

/** A route anyone may call, with or without a key. */
export const PUBLIC = 'public'

/** What a route needs: a scope, or nothing ({@link PUBLIC}). */
export type RouteAccess = Scope | typeof PUBLIC

/**
 * The scope every REST route needs, keyed by `METHOD path` as registered. The auth guard refuses to start a server
 * with a route missing here, so a new route cannot skip access control. Storage writes name their backends in the
 * body; the route needs `storage:*:write` unless the route itself checks each backend (see storage routes).
 */
export const ROUTE_SCOPES: Record<string, RouteAccess> = {
  // every operation's route, with the operation's scope (node-relay/operations)
  ...Object.fromEntries(OPERATIONS.flatMap(op => [op.rest.path, ...(op.rest.subpath === true ? [`${op.rest.path}/*`] : [])].map(path => [`${op.rest.method} ${path}`, op.scope]))),
  'GET /api/v1/search': 'search',
  'POST /api/v1/ws-ticket': 'content:read',
  'GET /pinning/pins': 'content:read',
  'POST /pinning/pins': 'cluster:write',
  'GET /pinning/pins/:requestid': 'content:read',
  'POST /pinning/pins/:requestid': 'cluster:write',
  'DELETE /pinning/pins/:requestid': 'cluster:write',
  // the Kubo RPC subset (node-relay/kubo): each command with its scope; anything else answers 501, GETs 405
  ...Object.fromEntries(Object.entries(KUBO_COMMANDS).map(([command, scope]) => [`POST /api/v0/${command}`, scope])),
  'POST /api/v0/*': PUBLIC,
  'GET /api/v0/*': PUBLIC,
  'GET /ws': 'content:read',
  'GET /health': PUBLIC,
  'GET /routing/v1/providers/:cid': PUBLIC,
  'GET /routing/v1/peers/:peerId': PUBLIC,
  'GET /metrics': 'metrics',
  'GET /ipfs/:cid': PUBLIC,
  'GET /ipfs/:cid/*': PUBLIC,
  'HEAD /ipfs/:cid': PUBLIC,
  'HEAD /ipfs/:cid/*': PUBLIC
}

/**
 * Routes that check access themselves or serve nothing private: the MCP endpoint (its own guard, node-relay/mcp),
 * its OAuth metadata, the OpenAPI docs and the app's static files.
 */
function isSelfGuardedOrStatic (method: string, url: string): boolean {
  if (url.startsWith('/mcp') || url.startsWith('/.well-known/') || url.startsWith('/docs')) return true
  return (method === 'GET' || method === 'HEAD') && !url.startsWith('/api/') && !url.startsWith('/ipfs/') && !url.startsWith('/pinning/') && url !== '/ws' && url !== '/metrics' && url !== '/health'
}

/**
 * Routes whose own guard reads the bearer token (the MCP endpoint accepts OAuth access tokens and `mcp.token` besides
 * API keys): the relay-wide guard leaves them alone.
 */
export function checksOwnCredentials (url: string): boolean {
  return url === '/mcp' || url.startsWith('/mcp/')
}

/** The access a registered route needs; `undefined` when the table has no entry (a bug the server refuses). */
export function accessOfRoute (method: string, url: string): RouteAccess | undefined {
  const entry = ROUTE_SCOPES[`${method} ${url}`]
  if (entry !== undefined) return entry
  if (method === 'OPTIONS' || isSelfGuardedOrStatic(method, url)) return PUBLIC
  return undefined
}
