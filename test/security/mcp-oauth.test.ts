import { createServer } from 'node:http'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { errors } from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, callOk, errorCodeOf } from '../mcp/support.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ClientMetadata } from 'oidc-provider'

/**
 * `/mcp` as an OAuth 2.1 resource server, against a real authorization server (oidc-provider, the certified OpenID
 * provider) run in this process: the MCP SDK's client discovers it from the relay's protected resource metadata,
 * gets a token with the client-credentials grant and the RFC 8707 resource indicator, and calls tools.
 */
describe('MCP over HTTP with OAuth access tokens', () => {
  let authServer: Server
  let issuer: string
  let relay: TestRelay
  let mcpUrl: string
  const OTHER_RESOURCE = 'https://other.example/mcp'

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    authServer = createServer()
    await new Promise<void>(resolve => authServer.listen(0, '127.0.0.1', resolve))
    issuer = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}`
    const client = (id: string, scope: string): ClientMetadata => ({
      client_id: id, client_secret: `${id}-secret-0123456789`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256', scope
    })
    const provider = new Provider(issuer, {
      clients: [client('agent', 'content:read content:write search'), client('reader-agent', 'reader')],
      jwks: { keys: [{ ...await exportJWK(privateKey), alg: 'ES256', use: 'sig', kid: 'test-key' }] },
      scopes: ['content:read', 'content:write', 'search', 'reader', 'pins:write', 'cluster:write', 'metrics', 'admin'],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => mcpUrl,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource, client) => {
            if (resource !== mcpUrl && resource !== OTHER_RESOURCE) throw new errors.InvalidTarget()
            return { scope: client.scope ?? '', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'ES256' } } }
          }
        }
      }
    })
    const handle = provider.callback()
    authServer.on('request', (req, res) => { void handle(req, res) })
    relay = await startTestRelay({ 'mcp.oauth.issuer': issuer })
    mcpUrl = `${relay.url}/mcp`
  })
  afterAll(async () => {
    await relay?.destroy()
    authServer?.closeAllConnections()
    await new Promise(resolve => authServer?.close(resolve))
  })

  const connect = async (clientId: string): Promise<Client> => {
    const authProvider = new ClientCredentialsProvider({ clientId, clientSecret: `${clientId}-secret-0123456789`, expectedIssuer: issuer, scope: clientId === 'agent' ? 'content:read content:write search' : 'reader' })
    const client = new Client({ name: 'oauth-test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider }))
    return client
  }

  const tokenFor = async (clientId: string, resource: string, scope: string): Promise<string> => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientId}-secret-0123456789`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope })
    })
    expect(res.status).toBe(200)
    return (await res.json() as { access_token: string }).access_token
  }

  it('names the authorization server in its protected resource metadata, and challenges a client without a token', async () => {
    const metadata = await (await fetch(`${relay.url}/.well-known/oauth-protected-resource/mcp`)).json() as Record<string, unknown>
    expect(metadata).toMatchObject({ resource: mcpUrl, authorization_servers: [issuer], bearer_methods_supported: ['header'] })
    const res = await fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${relay.url}/.well-known/oauth-protected-resource/mcp"`)
  })

  it('lets the SDK client complete the OAuth flow and call tools within the token\'s scopes', async () => {
    const client = await connect('agent')
    try {
      const added = await callOk<{ cid: string }>(client, 'ipfs_add', { text: 'stored by an agent with an OAuth token' })
      const found = await call(client, 'ipfs_cat', { cid: added.cid })
      expect(found.content).toEqual([{ type: 'text', text: 'stored by an agent with an OAuth token' }])
      const pin = await call(client, 'pin_add', { cid: added.cid })
      expect(errorCodeOf(pin)).toBe('ERR_FORBIDDEN') // pins:write was not granted
    } finally {
      await client.close()
    }
  })

  it('maps a role name in the token\'s scope to the role\'s scopes', async () => {
    const client = await connect('reader-agent')
    try {
      await callOk(client, 'pin_ls')
      expect(errorCodeOf(await call(client, 'ipfs_add', { text: 'a reader may not add' }))).toBe('ERR_FORBIDDEN')
    } finally {
      await client.close()
    }
  })

  it('refuses a token issued for another resource, and a tampered one', async () => {
    const initialize = async (token: string): Promise<Response> => await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })
    })
    const good = await tokenFor('agent', mcpUrl, 'content:read')
    const accepted = await initialize(good)
    expect(accepted.status).toBe(200)
    await accepted.body?.cancel()

    const foreign = await initialize(await tokenFor('agent', OTHER_RESOURCE, 'content:read'))
    expect(foreign.status).toBe(401)
    expect(foreign.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="the token is for another resource/)
    expect(await foreign.json()).toMatchObject({ code: 'ERR_UNAUTHORIZED' })

    const [header, payload, signature] = good.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>
    const forged = `${header ?? ''}.${Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')}.${signature ?? ''}`
    const tampered = await initialize(forged)
    expect(tampered.status).toBe(401)
    await tampered.body?.cancel()
  })

  it('still accepts API keys beside OAuth tokens', async () => {
    const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', role: 'admin' }) })
    const { key } = await res.json() as { key: string }
    const client = new Client({ name: 'key-test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }))
    try {
      await callOk(client, 'pin_ls')
    } finally {
      await client.close()
    }
  })
})
