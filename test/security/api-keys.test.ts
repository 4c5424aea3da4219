import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PUBLIC } from '../../node-relay/auth/route-scopes.ts'
import { routesGuardedBy } from '../../node-relay/http/auth-guard.ts'
import { KeyStore } from '../../node-relay/auth/key-store.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { GuardedRoute } from '../../node-relay/http/auth-guard.ts'

/** A concrete URL for a route pattern: a real CID for `:cid`, placeholders elsewhere. */
function concrete (url: string): string {
  return url.replace(':cid', 'bafkqaaa').replace(':name', 'local').replace(':id', 'nosuchkey').replace('*', 'x')
}

async function call (relay: TestRelay, route: GuardedRoute, key?: string): Promise<number> {
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` }
  const init: RequestInit = { method: route.method, headers }
  if (route.method === 'POST' || route.method === 'PUT') {
    headers['content-type'] = 'application/json'
    init.body = '{}'
  }
  const res = await fetch(`${relay.url}${concrete(route.url)}`, init)
  await res.body?.cancel()
  return res.status
}

async function wsStatus (url: string, query = '', key?: string): Promise<number> {
  return await new Promise(resolve => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws${query}`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } })
    socket.on('open', () => { socket.terminate(); resolve(101) })
    socket.on('unexpected-response', (req, res) => { req.destroy(); resolve(res.statusCode ?? 0) })
    socket.on('error', () => { resolve(0) })
  })
}

describe('API keys, roles and scopes on every route', () => {
  let relay: TestRelay
  const keys: Record<string, string> = {}

  beforeAll(async () => {
    relay = await startTestRelay()
    // before any key exists, the local user needs none (npm start stays zero-config)
    expect((await fetch(`${relay.url}/api/v1/pins`)).status).toBe(200)
    for (const [name, body] of Object.entries({
      admin: { name: 'admin', role: 'admin' },
      reader: { name: 'reader', role: 'reader' },
      searchOnly: { name: 'search-only', scopes: ['search'] },
      readOnly: { name: 'read-only', scopes: ['content:read'] },
      revoked: { name: 'gone', role: 'admin' }
    })) {
      const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...keys.admin === undefined ? {} : { authorization: `Bearer ${keys.admin}` } }, body: JSON.stringify(body) })
      expect(res.status, name).toBe(201)
      keys[name] = (await res.json() as { key: string }).key
    }
    const revokedId = /^ik_([a-z0-9]+)_/.exec(keys.revoked ?? '')?.[1] ?? ''
    expect((await fetch(`${relay.url}/api/v1/keys/${revokedId}`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.admin}` } })).status).toBe(200)
  })
  afterAll(async () => { await relay?.destroy() })

  it('checks every registered route: no key, a revoked key, a key without the scope, the right key', async () => {
    const routes = routesGuardedBy(relay.http).filter(r => !r.url.startsWith('/mcp') && !r.url.startsWith('/.well-known') && !r.url.startsWith('/docs') && r.method !== 'OPTIONS')
    expect(routes.length).toBeGreaterThan(30)
    for (const route of routes) {
      const label = `${route.method} ${route.url} (${route.access})`
      if (route.access === PUBLIC) {
        expect(await call(relay, route), label).not.toBe(401)
        continue
      }
      expect(await call(relay, route), label).toBe(401)
      expect(await call(relay, route, keys.revoked), label).toBe(401)
      expect(await call(relay, route, 'ik_0000000000_notarealsecretnotarealsecretnotareal'), label).toBe(401)
      const lacking = route.access === 'search' ? keys.readOnly : keys.searchOnly
      expect(await call(relay, route, lacking), label).toBe(403)
      const status = await call(relay, route, keys.admin)
      expect(status === 401 || status === 403, `${label}: ${status}`).toBe(false)
    }
  })

  it('gives roles their scopes: a reader reads and searches but cannot write', async () => {
    const auth = { authorization: `Bearer ${keys.reader}` }
    expect((await fetch(`${relay.url}/api/v1/pins`, { headers: auth })).status).toBe(200)
    expect((await fetch(`${relay.url}/api/v1/search?q=x`, { headers: auth })).status).toBe(200)
    const add = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: 'x' })
    expect(add.status).toBe(403)
    expect(await add.json()).toMatchObject({ code: 'ERR_FORBIDDEN' })
    const noKey = await fetch(`${relay.url}/api/v1/pins`)
    expect(noKey.status).toBe(401)
    expect(noKey.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(await noKey.json()).toMatchObject({ code: 'ERR_UNAUTHORIZED' })
  })

  it('opens /ws with a key header or a one-time ticket, never without', async () => {
    expect(await wsStatus(relay.url)).toBe(401)
    expect(await wsStatus(relay.url, '', keys.reader)).toBe(101)
    const res = await fetch(`${relay.url}/api/v1/ws-ticket`, { method: 'POST', headers: { authorization: `Bearer ${keys.reader}` } })
    const { ticket } = await res.json() as { ticket: string }
    expect(await wsStatus(relay.url, `?ticket=${ticket}`)).toBe(101)
    expect(await wsStatus(relay.url, `?ticket=${ticket}`)).toBe(401) // used once
  })

  it('lists keys without secrets and keeps only a salted hash in the datastore', async () => {
    const res = await fetch(`${relay.url}/api/v1/keys`, { headers: { authorization: `Bearer ${keys.admin}` } })
    const text = await res.text()
    for (const key of Object.values(keys)) expect(text).not.toContain(key.slice(14))
    const stored = new TextDecoder().decode((await relay.node.datastore.get(new (await import('interface-datastore')).Key(`/auth/keys/${/^ik_([a-z0-9]+)_/.exec(keys.admin ?? '')?.[1] ?? ''}`))))
    expect(stored).toContain('"hash"')
    expect(stored).not.toContain((keys.admin ?? '').slice(14))
    const info = (JSON.parse(text) as { keys: Array<{ name: string, lastUsed?: string, revoked?: string }> }).keys
    expect(info.find(k => k.name === 'admin')?.lastUsed).toBeDefined()
    expect(info.find(k => k.name === 'gone')?.revoked).toBeDefined()
  })

  it('survives a restart: keys are read back from the datastore', async () => {
    const store = await KeyStore.open(relay.node.datastore, { flushIntervalMs: 0 })
    expect(store.verify(keys.admin ?? '')).toMatchObject({ name: 'admin' })
    expect(store.verify(keys.revoked ?? '')).toBeUndefined()
    await store.close()
  })
})

describe('binding beyond loopback', () => {
  it('refuses to start on a non-loopback address without keys, and says why', async () => {
    await expect(startTestRelay({ 'http.host': '0.0.0.0' })).rejects.toThrow(/without API keys/)
  })

  it('starts with --insecure', async () => {
    const relay = await startTestRelay({ 'http.host': '0.0.0.0', 'auth.insecure': true })
    await relay.destroy()
  })
})
