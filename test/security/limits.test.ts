import { connect } from 'node:net'
import { request as httpRequest } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { connectHttp, startMcpHttp } from '../mcp/support.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

describe('limits', () => {
  const relays: TestRelay[] = []
  const start = async (flags: Record<string, number>): Promise<TestRelay> => {
    const relay = await startTestRelay(flags)
    relays.push(relay)
    return relay
  }
  afterAll(async () => { await Promise.all(relays.map(async relay => relay.destroy())) })

  it('never rate-limits the local user, and limits a key to its requests per minute (429 with Retry-After)', async () => {
    const relay = await start({ 'limits.requestsPerMinutePerKey': 3 })
    for (let i = 0; i < 10; i++) expect((await fetch(`${relay.url}/api/v1/pins`)).status).toBe(200)
    const created = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"busy","role":"reader"}' })
    const { key } = await created.json() as { key: string }
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${relay.url}/api/v1/pins`, { headers: { authorization: `Bearer ${key}` } })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await last?.json()).toMatchObject({ code: 'ERR_RATE_LIMITED' })
  })

  it('refuses an upload beyond limits.maxConcurrentUploads while one is in flight, and takes it after', async () => {
    const relay = await start({ 'limits.maxConcurrentUploads': 1 })
    const { hostname, port } = new URL(relay.url)
    const slow = httpRequest({ hostname, port, method: 'POST', path: '/api/v1/add', headers: { 'content-type': 'application/octet-stream' }, agent: false })
    const answered = new Promise<number>(resolve => { slow.on('response', res => { res.resume(); resolve(res.statusCode ?? 0) }) })
    slow.on('error', () => {})
    slow.write('first bytes of a slow upload')
    await new Promise(resolve => setTimeout(resolve, 300))
    const second = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'second' })
    expect(second.status).toBe(429)
    expect(await second.json()).toMatchObject({ code: 'ERR_RATE_LIMITED' })
    slow.end(' and the rest')
    expect(await answered).toBe(200)
    const third = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'third' })
    expect(third.status).toBe(200)
  })

  it('caps /ws clients, and drops a client that never reads instead of buffering for it', async () => {
    const relay = await start({ 'limits.maxWsClients': 2, 'limits.wsSendBufferBytes': 64 * 1024 })
    const url = `${relay.url.replace(/^http/, 'ws')}/ws`
    const opened = async (): Promise<WebSocket> => await new Promise((resolve, reject) => {
      const socket = new WebSocket(url)
      socket.once('message', () => { resolve(socket) })
      socket.once('error', reject)
    })
    const [a, b] = await Promise.all([opened(), opened()])
    const closeCode = await new Promise<number>(resolve => { new WebSocket(url).once('close', code => { resolve(code) }) })
    expect(closeCode).toBe(1013)
    a?.terminate()
    b?.terminate()
    await new Promise(resolve => setTimeout(resolve, 200))

    // a raw client that completes the handshake and then stops reading
    const { hostname, port } = new URL(relay.url)
    const stalled = connect(Number(port), hostname)
    await new Promise(resolve => stalled.once('connect', resolve))
    stalled.write(`GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
    await new Promise(resolve => stalled.once('data', resolve))
    stalled.pause()
    const closed = new Promise<void>(resolve => stalled.once('close', () => { resolve() }))
    const big = 'x'.repeat(2048)
    for (let i = 0; i < 20_000; i++) relay.events.emit({ type: 'block:added', cid: big, size: i })
    stalled.resume() // read what was sent: the server must have ended the connection after it
    await closed
  }, 60_000)
})

describe('MCP sessions', () => {
  it('closes the session idle longest when the cap is reached, so idle clients cannot lock others out', async () => {
    const relay = await startTestRelay()
    const stand = await startMcpHttp(relay, { maxSessions: 2 })
    try {
      const first = await connectHttp(stand.url)
      const second = await connectHttp(stand.url)
      await second.listTools() // first is now the one idle longest
      const third = await connectHttp(stand.url) // was 503 for 30 minutes before
      expect((await third.listTools()).tools.length).toBeGreaterThan(0)
      await expect(first.listTools()).rejects.toThrow()
      expect((await second.listTools()).tools.length).toBeGreaterThan(0)
      await Promise.allSettled([first.close(), second.close(), third.close()])
    } finally {
      await stand.close()
      await relay.destroy()
    }
  })
})
