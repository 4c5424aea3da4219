/**
 * @packageDocumentation
 *
 * `/mcp` as an OAuth 2.1 resource server (MCP authorization spec, 2025-06-18): access tokens issued by the
 * configured authorization server are JWTs (RFC 9068) checked against its JWKS, bound to this resource by their
 * audience (RFC 8707), and their scopes mapped to ipfs-kit scopes. The relay never issues tokens: the authorization
 * server does (Keycloak, Auth0, oidc-provider...). Static API keys keep working beside it.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose'
import { BASE_SCOPES, isRole, isScope, scopesOfRole } from '../../core/auth/scopes.ts'
import type { ApiKeyInfo } from '../auth/key-store.ts'
import type { Scope } from '../../core/auth/scopes.ts'
import type { JWTPayload } from 'jose'

/** The `mcp.oauth` config section. */
export interface OAuthResourceConfig {
  /** The authorization server's issuer URL (its `iss`); its metadata names the JWKS. */
  issuer: string
  /** This resource's canonical URL (e.g. `https://relay.example.com/mcp`); default: the URL the request came to. */
  resource?: string
  /** The JWKS URL, when the authorization server publishes no RFC 8414 / OpenID metadata. */
  jwksUri?: string
  /** Token scopes that stand for ipfs-kit scopes (besides our scope and role names, which map to themselves). */
  scopeMap?: Record<string, string[]>
  /** Scopes listed in the protected resource metadata, which clients request (default: ipfs-kit's base scopes). */
  scopesSupported?: string[]
}

/** Why a presented token was refused: said in `WWW-Authenticate`, never with the token. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError'
}

/** RFC 8414 puts the well-known segment between the host and the issuer's path; OpenID Connect appends it. */
function metadataUrls (issuer: string): URL[] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, url.origin),
    new URL(`${path}/.well-known/openid-configuration`, url.origin)
  ]
}

async function discoverJwksUri (issuer: string): Promise<URL> {
  for (const url of metadataUrls(issuer)) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
    if (response?.ok !== true) continue
    const metadata = await response.json() as { issuer?: unknown, jwks_uri?: unknown }
    if (metadata.issuer !== issuer) throw new InvalidTokenError(`the authorization server at ${url.origin} names itself ${String(metadata.issuer)}, not ${issuer}`)
    if (typeof metadata.jwks_uri === 'string') return new URL(metadata.jwks_uri)
  }
  throw new InvalidTokenError(`the authorization server ${issuer} publishes no metadata with a jwks_uri (set mcp.oauth.jwksUri)`)
}

/** Map the token's `scope` claim to ipfs-kit scopes: our scope and role names map to themselves, `scopeMap` adds others. */
export function scopesOfToken (claim: unknown, scopeMap: Record<string, string[]> = {}): Scope[] {
  const granted = new Set<Scope>()
  const names = typeof claim === 'string' ? claim.split(' ').filter(s => s !== '') : []
  for (const name of names) {
    for (const mapped of scopeMap[name] ?? [name]) {
      if (isScope(mapped)) granted.add(mapped)
      else if (isRole(mapped)) for (const scope of scopesOfRole(mapped)) granted.add(scope)
    }
  }
  return [...granted]
}

/** The principal a verified token stands for, shaped as an API key's info so every scope check reads it the same way. */
function principalOf (payload: JWTPayload, scopes: Scope[]): ApiKeyInfo {
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined
  const who = payload.sub ?? clientId ?? 'unknown'
  return {
    id: `oauth:${who}`,
    name: clientId ?? who,
    scopes,
    created: new Date((payload.iat ?? 0) * 1000).toISOString(),
    ...(payload.exp === undefined ? {} : { expires: new Date(payload.exp * 1000).toISOString() })
  }
}

/** Checks access tokens for the MCP endpoint. */
export class OAuthResourceServer {
  readonly #config: OAuthResourceConfig
  #jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined

  constructor (config: OAuthResourceConfig) {
    this.#config = config
  }

  /** The issuer tokens must come from, for the protected resource metadata. */
  get issuer (): string {
    return this.#config.issuer
  }

  /** Scopes clients should ask for. */
  get scopesSupported (): string[] {
    return this.#config.scopesSupported ?? [...BASE_SCOPES]
  }

  /** The canonical resource URL: the configured one, else the URL the request came to. */
  resourceFor (requestUrl: string): string {
    return this.#config.resource ?? requestUrl
  }

  /** Whether a bearer token has the shape of a JWT (API keys and `mcp.token` do not). */
  static looksLikeJwt (token: string): boolean {
    return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)
  }

  /**
   * Verify an access token for `resource`: signature against the issuer's JWKS, `iss`, `aud` containing the resource,
   * `exp`/`nbf`, and the `at+jwt` type. Throws {@link InvalidTokenError} saying why.
   */
  async verify (token: string, resource: string): Promise<ApiKeyInfo> {
    const jwks = await (this.#jwks ??= this.#keySet())
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: this.#config.issuer, audience: resource, typ: 'at+jwt', clockTolerance: 30 })
      return principalOf(payload, scopesOfToken(payload.scope, this.#config.scopeMap))
    } catch (err) {
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud') throw new InvalidTokenError(`the token is for another resource, not ${resource}`)
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('the token has expired')
      if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError(`the token is not valid (${err.code})`)
      throw err
    }
  }

  async #keySet (): Promise<ReturnType<typeof createRemoteJWKSet>> {
    try {
      const uri = this.#config.jwksUri === undefined ? await discoverJwksUri(this.#config.issuer) : new URL(this.#config.jwksUri)
      return createRemoteJWKSet(uri, { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 })
    } catch (err) {
      this.#jwks = undefined // a later request tries the discovery again (the authorization server may start later)
      throw err
    }
  }
}
