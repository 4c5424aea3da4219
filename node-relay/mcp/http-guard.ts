import { createHash, timingSafeEqual } from 'node:crypto'
import type {} from '../http/auth-guard.ts'
import { InvalidTokenError, OAuthResourceServer } from './oauth.ts'
import type { ApiKeyInfo } from '../auth/key-store.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Where RFC 9728 protected resource metadata for a resource at `path` lives (`/.well-known/oauth-protected-resource/mcp`). */
export function resourceMetadataPath (path: string): string {
  return `/.well-known/oauth-protected-resource${path}`
}

/** The scheme, host and port the client used to reach us. */
export function baseUrlOf (request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

function isLocalHostname (hostname: string): boolean {
  // not `*.localhost`: any local dev server can claim such a name, and a subdomain says nothing about who runs it
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
}

/**
 * Whether a browser `Origin` may use the MCP endpoint: none at all (non-browser clients), a localhost origin, or one
 * listed in `mcp.allowedOrigins` (`*` allows every origin). Blocks DNS-rebinding pages (`Origin: http://evil.example`).
 */
export function originAllowed (origin: string | undefined, allowed: string[]): boolean {
  if (origin === undefined) return true
  if (allowed.includes('*') || allowed.includes(origin)) return true
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLocalHostname(url.hostname)
  } catch {
    return false // `Origin: null` (sandboxed frames, file://) and garbage
  }
}

function digest (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Compare a presented token with the configured one in constant time. */
export function tokenMatches (presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected))
}

/** Headers a browser may send to `/mcp`, and those it may read back. */
const CORS_ALLOW_HEADERS = 'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id'
const CORS_EXPOSE_HEADERS = 'mcp-session-id, mcp-protocol-version, www-authenticate'

/** Add CORS headers for an allowed browser origin (on the raw response, so they survive `reply.hijack()`). */
export function setCorsHeaders (request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin
  if (origin === undefined) return
  reply.raw.setHeader('access-control-allow-origin', origin)
  reply.raw.setHeader('vary', 'origin')
  reply.raw.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
  reply.raw.setHeader('access-control-allow-headers', CORS_ALLOW_HEADERS)
  reply.raw.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS)
}

/** The relay's API keys, as the MCP guard sees them. */
export interface McpKeys {
  /** The key a presented secret belongs to, if valid. */
  verify: (presented: string) => ApiKeyInfo | undefined
  /** Whether keys are demanded (one exists, or `auth.required`). */
  enforced: () => boolean
}

/** What the guard checks: the configured token (none: no auth), the API keys, and extra allowed origins. */
export interface McpGuardOptions {
  token?: string
  /** API keys: a valid key is accepted as a bearer token, and demanded once keys are enforced. */
  keys?: McpKeys
  allowedOrigins: string[]
  /** Path of the MCP endpoint, for the metadata URL. */
  path: string
  /** Accept OAuth access tokens (JWTs) from an authorization server; demands a token once set. */
  oauth?: OAuthResourceServer
}

/** A principal for a presented bearer token, or why none: the static token, an API key, or an OAuth access token. */
async function principalFor (presented: string, options: McpGuardOptions, request: FastifyRequest): Promise<ApiKeyInfo | 'static' | InvalidTokenError | undefined> {
  if (options.token !== undefined && tokenMatches(presented, options.token)) return 'static'
  const key = options.keys?.verify(presented)
  if (key !== undefined) return key
  if (options.oauth === undefined || !OAuthResourceServer.looksLikeJwt(presented)) return undefined
  try {
    return await options.oauth.verify(presented, options.oauth.resourceFor(`${baseUrlOf(request)}${options.path}`))
  } catch (err) {
    if (err instanceof InvalidTokenError) return err
    throw err
  }
}

/**
 * A Fastify `onRequest` hook for the MCP endpoint: 403 for a foreign `Origin`; when a token is configured, 401 with
 * `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 6750 + RFC 9728) unless `Authorization: Bearer <token>` matches.
 * Runs before the body is read.
 */
export function mcpGuard (options: McpGuardOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!originAllowed(request.headers.origin, options.allowedOrigins)) {
      await reply.status(403).send({ code: 'ERR_FORBIDDEN', message: `origin ${request.headers.origin ?? ''} may not use this MCP endpoint (add it to mcp.allowedOrigins)` })
      return reply
    }
    setCorsHeaders(request, reply)
    if (request.method === 'OPTIONS') return
    const presented = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1]
    const found = presented === undefined ? undefined : await principalFor(presented, options, request)
    if (found === 'static') return
    if (found !== undefined && !(found instanceof InvalidTokenError)) {
      request.principal = found
      return
    }
    const demanded = options.token !== undefined || options.oauth !== undefined || options.keys?.enforced() === true
    if (!demanded && presented === undefined) return
    const metadata = `${baseUrlOf(request)}${resourceMetadataPath(options.path)}`
    const why = found instanceof InvalidTokenError ? found.message : 'the bearer token is not valid'
    const challenge = presented === undefined
      ? `Bearer resource_metadata="${metadata}"`
      : `Bearer error="invalid_token", error_description="${why.replace(/["\\]/g, '')}", resource_metadata="${metadata}"`
    await reply.status(401).header('www-authenticate', challenge)
      .send({ code: 'ERR_UNAUTHORIZED', message: presented === undefined ? `this MCP endpoint needs Authorization: Bearer <${options.oauth === undefined ? 'API key or mcp.token' : 'OAuth access token, API key or mcp.token'}>` : why })
    return reply
  }
}
