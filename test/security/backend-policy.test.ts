import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

describe('per-backend policy: storage scopes name backends', () => {
  let relay: TestRelay
  let cid: string
  const keys: Record<string, string> = {}

  const key = async (name: string, scopes: string[]): Promise<string> => {
    const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...keys.admin === undefined ? {} : { authorization: `Bearer ${keys.admin}` } }, body: JSON.stringify(name === 'admin' ? { name, role: 'admin' } : { name, scopes }) })
    expect(res.status).toBe(201)
    return (await res.json() as { key: string }).key
  }
  const place = async (as: string | undefined, body: object): Promise<number> => {
    const res = await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${as ?? ''}` }, body: JSON.stringify(body) })
    await res.body?.cancel()
    return res.status
  }

  beforeAll(async () => {
    relay = await startTestRelay()
    const added = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'placed by policy' })
    cid = (await added.json() as { cid: string }).cid
    keys.admin = await key('admin', [])
    keys.localOnly = await key('local-only', ['content:read', 'storage:local:write', 'storage:local:read'])
    keys.s3Only = await key('s3-only', ['content:read', 'storage:s3:write'])
    keys.anyBackend = await key('any', ['content:read', 'storage:*:write'])
  })
  afterAll(async () => { await relay?.destroy() })

  it('lets a key place only on the backends its scopes name', async () => {
    expect(await place(keys.localOnly, { to: ['local'] })).toBe(200)
    expect(await place(keys.s3Only, { to: ['local'] })).toBe(403)
    expect(await place(keys.localOnly, {})).toBe(403) // the placement policy may pick any backend: needs storage:*:write
    expect(await place(keys.anyBackend, {})).toBe(200)
  })

  it('checks reads per backend too', async () => {
    const read = async (as: string | undefined, query: string): Promise<number> => {
      const res = await fetch(`${relay.url}/api/v1/storage/${cid}${query}`, { headers: { authorization: `Bearer ${as ?? ''}` } })
      await res.body?.cancel()
      return res.status
    }
    expect(await read(keys.localOnly, '?from=local')).toBe(200)
    expect(await read(keys.localOnly, '')).toBe(403)
    expect(await read(keys.s3Only, '?from=local')).toBe(403)
  })
})
