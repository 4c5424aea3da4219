import { buildHttpServer } from '../../node-relay/http/server.ts'
import { mcpRoutes } from '../../node-relay/mcp/http.ts'
import { createMetrics } from '../../node-relay/metrics.ts'
import { startTestRelay } from '../relay/support.ts'
import { callOk, connectHttp } from './support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { FastifyInstance } from 'fastify'

// What `buildHttpServer` will do once `/mcp` is wired in: the MCP routes beside REST, the gateway, /ws and /docs
describe('MCP routes mounted on the relay\'s own HTTP server', () => {
  let relay: TestRelay
  let app: FastifyInstance
  let url: string

  beforeAll(async () => {
    relay = await startTestRelay()
    const ctx = { service: relay.service, events: relay.events, config: relay.config, metrics: createMetrics(), node: relay.node, draining: () => false }
    app = await buildHttpServer(ctx)
    // until node-relay/http/server.ts mounts the routes itself
    if (!app.hasRoute({ method: 'POST', url: '/mcp' })) mcpRoutes(app, ctx)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  })

  afterAll(async () => {
    await app?.close()
    await relay?.destroy()
  })

  it('serves MCP next to REST: content added through one is read through the other', async () => {
    const client = await connectHttp(url)
    try {
      const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { text: 'one service layer' })
      expect(await (await fetch(`${url}/api/v1/cat/${cid}`)).text()).to.equal('one service layer')
      const res = await fetch(`${url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'from REST' })
      const added = await res.json() as { cid: string }
      expect((await callOk<{ size: number }>(client, 'ipfs_stat', { cid: added.cid })).size).to.equal(9)
    } finally {
      await client.close()
    }
  })

  it('keeps the JSON-RPC endpoint out of the OpenAPI document', async () => {
    const spec = await (await fetch(`${url}/docs/json`)).json() as { paths: Record<string, unknown> }
    expect(spec.paths).to.not.have.property('/mcp')
    expect(spec.paths).to.have.property('/api/v1/id')
  })

  it('closes open MCP event streams when the server shuts down', async () => {
    const client = await connectHttp(url)
    await client.listTools()
    // the client holds a GET event stream open; closing must not wait for the drain timeout
    const started = Date.now()
    await app.close()
    expect(Date.now() - started).to.be.lessThan(5000)
    await client.close()
  })
})
