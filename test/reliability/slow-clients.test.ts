import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Socket } from 'node:net'

/** Open a raw connection and resolve once the server closes it (or after `limitMs`, then `false`). */
async function closedWithin (socket: Socket, limitMs: number): Promise<boolean> {
  return await new Promise(resolve => {
    const timer = setTimeout(() => { resolve(false) }, limitMs)
    socket.once('close', () => { clearTimeout(timer); resolve(true) })
  })
}

describe('slow clients are cut off, others keep being served', () => {
  let relay: TestRelay
  let host: string
  let port: number
  beforeAll(async () => {
    relay = await startTestRelay({ 'http.headersTimeoutMs': 1000, 'http.uploadRateWindowMs': 1000, 'http.minUploadBytesPerSecond': 1000 })
    ;({ hostname: host } = new URL(relay.url))
    port = Number(new URL(relay.url).port)
  })
  afterAll(async () => { await relay?.destroy() })

  it('closes a slowloris connection whose headers never finish', async () => {
    const socket = connect(port, host)
    socket.on('error', () => {})
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const drip = setInterval(() => { if (!socket.destroyed) socket.write('X-Slow: 1\r\n') }, 200)
    const closed = await closedWithin(socket, 10_000)
    clearInterval(drip)
    socket.destroy()
    expect(closed).toBe(true)
    expect((await fetch(`${relay.url}/health`)).status).toBe(200)
  })

  it('cuts an upload whose body dribbles in a byte at a time, and stores nothing', async () => {
    const socket = connect(port, host)
    socket.on('error', () => {})
    socket.write(`POST /api/v1/add?name=slow HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`)
    const drip = setInterval(() => { if (!socket.destroyed) socket.write('1\r\nx\r\n') }, 300)
    const closed = await closedWithin(socket, 10_000)
    clearInterval(drip)
    socket.destroy()
    expect(closed).toBe(true)
    const pins = await (await fetch(`${relay.url}/api/v1/pins`)).json() as { pins: unknown[] }
    expect(pins.pins).toEqual([])
  })

  it('lets an upload that keeps a real pace finish', async () => {
    const chunks = Array.from({ length: 5 }, (_, i) => new Uint8Array(64 * 1024).fill(i))
    const body = new ReadableStream<Uint8Array>({
      async pull (controller) {
        const next = chunks.shift()
        if (next === undefined) { controller.close(); return }
        await new Promise(resolve => setTimeout(resolve, 300))
        controller.enqueue(next)
      }
    })
    const res = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(200)
  })
})
