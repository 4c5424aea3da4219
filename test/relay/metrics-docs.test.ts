import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { expect } from 'vitest'
import { addBytes, startTestRelay } from './support.ts'
import type { TestRelay } from './support.ts'

let relay: TestRelay
beforeAll(async () => { relay = await startTestRelay() })
afterAll(async () => { await relay.destroy() })

describe('/metrics', () => {
  it('exposes HTTP latency, bytes, events, peers and relay reservations', async () => {
    await addBytes(relay.url, new TextEncoder().encode('metrics'))
    await fetch(`${relay.url}/health`)
    const text = await (await fetch(`${relay.url}/metrics`)).text()
    for (const name of ['ipfs_kit_http_request_duration_seconds_bucket', 'ipfs_kit_http_response_bytes_total', 'ipfs_kit_events_total', 'ipfs_kit_libp2p_connections', 'ipfs_kit_relay_reservations', 'ipfs_kit_pubsub_topics']) {
      expect(text).toContain(name)
    }
    expect(text).toMatch(/ipfs_kit_events_total\{type="content:added"\} 1/)
  })

  // promtool comes from Debian's prometheus package, which test/run-all.sh installs; without it this cannot run
  it.skipIf(!existsSync('/usr/bin/promtool'))('is valid under promtool check metrics', async () => {
    const text = await (await fetch(`${relay.url}/metrics`)).text()
    const result = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(result.stderr + result.stdout).not.toMatch(/error/i)
    expect(result.status).toBe(0)
  })
})

describe('/docs and /health', () => {
  it('serves an OpenAPI 3 document covering the API and the gateway', async () => {
    const doc = await (await fetch(`${relay.url}/docs/json`)).json() as { openapi: string, paths: Record<string, unknown> }
    expect(doc.openapi).toMatch(/^3\./)
    for (const path of ['/api/v1/add', '/api/v1/cat/{cid}', '/api/v1/pins', '/api/v1/blocks', '/api/v1/car', '/ipfs/{cid}', '/health']) {
      expect(Object.keys(doc.paths)).toContain(path)
    }
    const ui = await fetch(`${relay.url}/docs`)
    expect(ui.status).toBe(200)
  })

  it('titles the docs page with the product\'s name and shows its logo, not Swagger\'s and Fastify\'s', async () => {
    const page = await (await fetch(`${relay.url}/docs`)).text()
    expect(page).toContain('<title>ipfs-kit relay API</title>')
    expect(page).not.toContain('Swagger UI</title>')
    expect(page).toMatch(/<link rel="icon" type="image\/svg\+xml" href="[^"]*static\/theme\/icon.svg"/)
    const init = await (await fetch(`${relay.url}/docs/static/swagger-initializer.js`)).text()
    expect(init).toContain('data:image/svg+xml;base64,')
    expect((await fetch(`${relay.url}/docs/static/theme/icon.svg`)).headers.get('content-type')).toMatch(/svg/)
  })

  it('reports readiness detail', async () => {
    const health = await (await fetch(`${relay.url}/health`)).json() as { ready: boolean, checks: Record<string, { ok: boolean }> }
    expect(health.ready).toBe(true)
    expect(Object.keys(health.checks).sort()).toEqual(['blockstore', 'draining', 'libp2p', 'listeners'])
  })
})

describe('CORS', () => {
  it('lets any origin read the gateway and the relay id, not write', async () => {
    const id = await fetch(`${relay.url}/api/v1/id`, { headers: { origin: 'http://elsewhere.example' } })
    expect(id.headers.get('access-control-allow-origin')).toBe('*')
    const gw = await fetch(`${relay.url}/ipfs/bafkqaaa?format=raw`, { headers: { origin: 'http://elsewhere.example' } })
    expect(gw.headers.get('access-control-allow-origin')).toBe('*')
    const pins = await fetch(`${relay.url}/api/v1/pins`, { headers: { origin: 'http://elsewhere.example' } })
    expect(pins.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('subscribes to the browser mesh discovery topic so gossipsub forwards it', async () => {
    const { MESH_DISCOVERY_TOPIC } = await import('../../core/events/topics.ts')
    expect(relay.node.libp2p.services.pubsub.getTopics()).toContain(MESH_DISCOVERY_TOPIC)
  })
})
