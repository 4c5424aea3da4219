import { startTestRelay } from '../relay/support.ts'
import { callOk, connectHttp, startMcpHttp } from './support.ts'
import type { McpHttpStand } from './support.ts'
import type { TestRelay } from '../relay/support.ts'

const TOKEN = 'test-token-0123456789abcdef'
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }

async function post (url: string, headers: Record<string, string>, body: unknown = INITIALIZE): Promise<Response> {
  return await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body)
  })
}

describe('MCP over HTTP: origin, bearer token and protected resource metadata', () => {
  let relay: TestRelay
  let secured: McpHttpStand
  let open: McpHttpStand

  beforeAll(async () => {
    relay = await startTestRelay()
    secured = await startMcpHttp(relay, { config: { token: TOKEN, allowedOrigins: ['https://app.example.com'] } })
    open = await startMcpHttp(relay)
  })

  afterAll(async () => {
    await secured?.close()
    await open?.close()
    await relay?.destroy()
  })

  it('answers 401 with WWW-Authenticate pointing at the resource metadata when the token is missing', async () => {
    const res = await post(secured.url, {})
    expect(res.status).to.equal(401)
    expect(res.headers.get('www-authenticate')).to.equal(`Bearer resource_metadata="${secured.url}/.well-known/oauth-protected-resource/mcp"`)
    expect(await res.json()).to.have.property('code', 'ERR_UNAUTHORIZED')
  })

  it('answers 401 with error="invalid_token" for a wrong token', async () => {
    const res = await post(secured.url, { authorization: 'Bearer wrong-token' })
    expect(res.status).to.equal(401)
    expect(res.headers.get('www-authenticate')).to.match(/^Bearer error="invalid_token", .*resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/)
  })

  it('serves RFC 9728 protected resource metadata', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(`${secured.url}${path}`)
      expect(res.status, path).to.equal(200)
      expect(await res.json()).to.deep.include({ resource: `${secured.url}/mcp`, bearer_methods_supported: ['header'] })
    }
  })

  it('lets the SDK client in with the bearer token', async () => {
    const client = await connectHttp(secured.url, { authorization: `Bearer ${TOKEN}` })
    try {
      expect((await client.listTools()).tools).to.have.length(16)
      expect(await callOk(client, 'node_id')).to.have.property('peerId', relay.service.id().peerId)
    } finally {
      await client.close()
    }
  })

  it('rejects a foreign Origin with 403, even with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1.evil.example', 'http://evil.localhost:3000']) {
      const res = await post(secured.url, { authorization: `Bearer ${TOKEN}`, origin })
      expect(res.status, origin).to.equal(403)
    }
    expect((await post(open.url, { origin: 'http://evil.example' })).status).to.equal(403)
  })

  it('accepts localhost and configured origins, with CORS headers', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8998', 'https://app.example.com']) {
      const res = await post(secured.url, { authorization: `Bearer ${TOKEN}`, origin })
      expect(res.status, origin).to.equal(200)
      expect(res.headers.get('access-control-allow-origin')).to.equal(origin)
      expect(res.headers.get('mcp-session-id')).to.be.a('string')
      await res.body?.cancel()
    }
    const preflight = await fetch(`${secured.url}/mcp`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } })
    expect(preflight.status).to.equal(204)
    expect(preflight.headers.get('access-control-allow-headers')).to.include('mcp-session-id')
  })

  it('needs no token when none is configured, and checks sessions', async () => {
    const init = await post(open.url, {})
    expect(init.status).to.equal(200)
    await init.body?.cancel()
    const noSession = await post(open.url, {}, { jsonrpc: '2.0', id: 2, method: 'tools/list' })
    expect(noSession.status).to.equal(400)
    const unknown = await post(open.url, { 'mcp-session-id': 'no-such-session' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' })
    expect(unknown.status).to.equal(404)
  })
})
