import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { hostAllowed, hostnameOf } from '../../node-relay/http/site-guard.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** A raw HTTP request, so `Host` and `Origin` can be anything (as a DNS-rebinding page or a foreign site sends them). */
async function send (url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function pinCount (relay: TestRelay): Promise<number> {
  const res = await fetch(`${relay.url}/api/v1/pins`)
  const body = await res.json() as { pins: unknown[] }
  return body.pins.length
}

async function wsStatus (url: string, origin?: string): Promise<number> {
  return await new Promise(resolve => {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws', origin === undefined ? {} : { origin })
    socket.on('open', () => { socket.terminate(); resolve(101) })
    socket.on('unexpected-response', (req, res) => { req.destroy(); resolve(res.statusCode ?? 0) })
    socket.on('error', () => { resolve(0) })
  })
}

const EVIL = 'http://evil.example'

describe('cross-site protection (Host and Origin, as Kubo does)', () => {
  let relay: TestRelay
  let open: TestRelay

  beforeAll(async () => {
    relay = await startTestRelay()
    open = await startTestRelay({ 'http.allowedOrigins': ['https://app.example'], 'http.allowedHosts': ['relay.example'] })
  })
  afterAll(async () => {
    await relay?.destroy()
    await open?.destroy()
  })

  it('refuses a cross-site simple POST (text/plain and multipart) and stores nothing', async () => {
    const before = await pinCount(relay)
    const plain = await send(relay.url, 'POST', '/api/v1/add?name=x', { origin: EVIL, 'content-type': 'text/plain' }, 'stolen write')
    expect(plain.status).toBe(403)
    expect(JSON.parse(plain.body)).toMatchObject({ code: 'ERR_FORBIDDEN' })
    const boundary = 'xyz'
    const multipart = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\ncontent-type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`
    const form = await send(relay.url, 'POST', '/api/v1/add', { origin: EVIL, 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart)
    expect(form.status).toBe(403)
    expect(await pinCount(relay)).toBe(before)
  })

  it('refuses foreign-origin deletes and API reads, but serves its own origin and non-browser clients', async () => {
    const added = await fetch(`${relay.url}/api/v1/add?name=mine`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', origin: relay.url }, body: 'mine' })
    expect(added.status).toBe(200)
    const { cid } = await added.json() as { cid: string }
    expect((await send(relay.url, 'DELETE', `/api/v1/pins/${cid}`, { origin: EVIL })).status).toBe(403)
    expect((await send(relay.url, 'GET', '/api/v1/pins', { origin: EVIL })).status).toBe(403)
    expect((await send(relay.url, 'GET', '/metrics', { origin: EVIL })).status).toBe(403)
    expect((await send(relay.url, 'GET', '/api/v1/pins', {})).status).toBe(200)
    expect(await pinCount(relay)).toBeGreaterThan(0)
  })

  it('refuses DNS-rebinding requests whose Host is not the relay', async () => {
    const port = new URL(relay.url).port
    const rebound = { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }
    expect((await send(relay.url, 'GET', '/api/v1/pins', rebound)).status).toBe(403)
    expect((await send(relay.url, 'POST', '/api/v1/add', { ...rebound, 'content-type': 'text/plain' }, 'x')).status).toBe(403)
    expect((await send(relay.url, 'GET', '/api/v1/pins', { host: `localhost:${port}` })).status).toBe(200)
    // an allowed name is accepted, with or without its same origin
    expect((await send(open.url, 'GET', '/api/v1/pins', { host: `relay.example:${new URL(open.url).port}`, origin: `http://relay.example:${new URL(open.url).port}` })).status).toBe(200)
  })

  it('judges every Host alike when it remembers verdicts (the same name twice, and more names than it keeps)', async () => {
    const port = new URL(relay.url).port
    const statuses: number[] = []
    // more distinct names than the guard's table holds (64), each asked twice, with the relay's own name between
    for (let i = 0; i < 70; i++) {
      const host = `evil${i}.example:${port}`
      statuses.push((await send(relay.url, 'GET', '/api/v1/pins', { host })).status)
      statuses.push((await send(relay.url, 'GET', '/api/v1/pins', { host })).status)
      expect((await send(relay.url, 'GET', '/api/v1/pins', { host: `127.0.0.1:${port}` })).status).toBe(200)
    }
    expect(new Set(statuses)).toEqual(new Set([403]))
    expect((await send(relay.url, 'GET', '/api/v1/pins', { host: `EVIL0.example:${port}` })).status).toBe(403)
    expect((await send(relay.url, 'GET', '/api/v1/pins', { host: `localhost:${port}` })).status).toBe(200)
  })

  it('keeps the gateway, the relay id and health public, and answers their preflights', async () => {
    const gw = await send(relay.url, 'GET', '/ipfs/bafkqaaa?format=raw', { origin: EVIL })
    expect(gw.status).toBe(200)
    expect(gw.headers['access-control-allow-origin']).toBe('*')
    expect((await send(relay.url, 'GET', '/api/v1/id', { origin: EVIL })).status).toBe(200)
    const preflight = await send(relay.url, 'OPTIONS', '/ipfs/bafkqaaa', { origin: EVIL, 'access-control-request-method': 'GET' })
    expect(preflight.status).toBe(204)
    const writePreflight = await send(relay.url, 'OPTIONS', '/api/v1/add', { origin: EVIL, 'access-control-request-method': 'POST' })
    expect(writePreflight.status).toBe(403)
  })

  it('refuses /ws to a foreign origin (no CORS protects a WebSocket) and accepts its own', async () => {
    expect(await wsStatus(relay.url, EVIL)).toBe(403)
    expect(await wsStatus(relay.url, relay.url)).toBe(101)
    expect(await wsStatus(relay.url)).toBe(101)
  })

  it('lets an origin in http.allowedOrigins write, with CORS headers and preflights', async () => {
    const preflight = await send(open.url, 'OPTIONS', '/api/v1/add', { origin: 'https://app.example', 'access-control-request-method': 'POST' })
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example')
    const add = await send(open.url, 'POST', '/api/v1/add?name=a', { origin: 'https://app.example', 'content-type': 'application/octet-stream' }, 'allowed')
    expect(add.status).toBe(200)
    expect(add.headers['access-control-allow-origin']).toBe('https://app.example')
    expect((await send(open.url, 'POST', '/api/v1/add', { origin: EVIL, 'content-type': 'application/octet-stream' }, 'x')).status).toBe(403)
  })

  it('reads host names the way browsers send them', () => {
    expect(hostnameOf('[::1]:8998')).toBe('::1')
    expect(hostnameOf('Relay.Example.:80')).toBe('relay.example')
    const options = { listenHost: '127.0.0.1', allowedHosts: [] }
    for (const host of ['127.0.0.1:8998', 'localhost:1', 'app.localhost', '[::1]:9', '10.0.0.7']) expect(hostAllowed(host, options), host).toBe(true)
    for (const host of ['evil.example', '127.0.0.1.evil.example:8998', 'localhost.evil.example']) expect(hostAllowed(host, options), host).toBe(false)
    expect(hostAllowed('relay.example', { listenHost: 'relay.example', allowedHosts: [] })).toBe(true)
  })
})
