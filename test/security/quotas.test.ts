import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSize } from '../../node-relay/cli/commands/keys.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

describe('per-key quotas: bytes added and requests per minute', () => {
  let relay: TestRelay
  let admin: string
  const create = async (body: object): Promise<string> => {
    const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin === undefined ? {} : { authorization: `Bearer ${admin}` } }, body: JSON.stringify(body) })
    expect(res.status).toBe(201)
    return (await res.json() as { key: string }).key
  }
  beforeAll(async () => {
    relay = await startTestRelay()
    admin = await create({ name: 'admin', role: 'admin' })
  })
  afterAll(async () => { await relay?.destroy() })

  it('refuses writes once a key has added its quota, and keeps its reads working', async () => {
    const key = await create({ name: 'small', role: 'writer', quotaBytes: 3000 })
    const add = async (seed: number): Promise<Response> => await fetch(`${relay.url}/api/v1/add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(2000).fill(seed)
    })
    const first = await add(1)
    expect(first.status).toBe(200)
    expect((await add(2)).status).toBe(200) // 2,000 of 3,000 used before it: allowed
    const third = await add(3)
    expect(third.status).toBe(507)
    expect(await third.json()).toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' })
    const { cid } = await first.json() as { cid: string }
    expect((await fetch(`${relay.url}/api/v1/cat/${cid}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    const listed = await (await fetch(`${relay.url}/api/v1/keys`, { headers: { authorization: `Bearer ${admin}` } })).json() as { keys: Array<{ name: string, storedBytes?: number, quotaBytes?: number }> }
    expect(listed.keys.find(k => k.name === 'small')).toMatchObject({ quotaBytes: 3000, storedBytes: 4000 })
  })

  it('gives a key its own rate', async () => {
    const key = await create({ name: 'slow', role: 'reader', requestsPerMinute: 2 })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${relay.url}/api/v1/pins`, { headers: { authorization: `Bearer ${key}` } })).status)
    expect(statuses).toEqual([200, 200, 429])
    expect((await fetch(`${relay.url}/api/v1/pins`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200)
  })

  it('reads sizes the way people write them', () => {
    expect(parseSize('10GiB')).toBe(10 * 2 ** 30)
    expect(parseSize('500 MB')).toBe(500e6)
    expect(parseSize('1024')).toBe(1024)
    expect(() => parseSize('lots')).toThrow(/not a size/)
  })
})
