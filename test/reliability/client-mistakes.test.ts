import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

interface Answer { status: number, contentRange?: string, body: string }

let relay: TestRelay
let cid: string

async function send (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(relay.url)
  return await new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, agent: false }, res => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, contentRange: res.headers['content-range'], body: text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const MULTIPART = { 'content-type': 'multipart/form-data; boundary=BB' }
const part = (filename: string | undefined, data: string): string =>
  `--BB\r\ncontent-disposition: form-data; name="file"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${data}\r\n`

beforeAll(async () => {
  relay = await startTestRelay()
  const res = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'seventeen bytes!!' })
  cid = (await res.json() as { cid: string }).cid
})
afterAll(async () => { await relay?.destroy() })

describe('client mistakes are 4xx with a code, never 5xx, and store nothing', () => {
  it('a block put that is not binary, or whose bytes do not match the CID', async () => {
    expect((await send('POST', '/api/v1/blocks', { 'content-type': 'text/plain' }, 'abc')).status).toBe(400)
    expect((await send('POST', '/api/v1/blocks', { 'content-type': 'application/json' }, '{"a":1}')).status).toBe(400)
    const mismatch = await send('POST', `/api/v1/blocks?cid=${cid}`, { 'content-type': 'application/octet-stream' }, 'other')
    expect(mismatch.status).toBe(400)
    expect(JSON.parse(mismatch.body)).toMatchObject({ code: 'ERR_CID_MISMATCH' })
  })

  it('multipart: no filename, truncated data, duplicate names, a file that is also a directory, nothing at all', async () => {
    const cases = {
      noFilename: part(undefined, 'x') + '--BB--\r\n',
      truncated: '--BB\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n\r\nsome data and no end',
      duplicate: part('a.txt', 'x') + part('a.txt', 'y') + '--BB--\r\n',
      fileAndDir: part('a', 'x') + part('a/b', 'y') + '--BB--\r\n',
      empty: '--BB--\r\n'
    }
    for (const [name, body] of Object.entries(cases)) {
      const answer = await send('POST', '/api/v1/add', MULTIPART, body)
      expect(answer.status, `${name}: ${answer.body}`).toBe(400)
      expect(JSON.parse(answer.body).code, name).toMatch(/^ERR_/)
    }
    const pins = await (await fetch(`${relay.url}/api/v1/pins`)).json() as { pins: unknown[] }
    expect(pins.pins, JSON.stringify(pins.pins)).toHaveLength(1) // only the file added in beforeAll
  })

  it('control characters in a name or a path', async () => {
    expect((await send('POST', '/api/v1/add?name=a%0D%0Ab', { 'content-type': 'application/octet-stream' }, 'x')).status).toBe(400)
    expect((await send('POST', '/api/v1/add?name=a%00b', { 'content-type': 'application/octet-stream' }, 'x')).status).toBe(400)
    expect((await send('GET', `/ipfs/${cid}/a%00b`, {})).status).toBe(400)
    expect((await send('GET', `/ipfs/${cid}/a%0D%0Ab`, {})).status).toBe(400)
    expect((await send('GET', `/ipfs/${cid}/%C4%80`, {})).status).toBeLessThan(500) // non-ASCII is fine, and echoed encoded
    const gateway = await fetch(`${relay.url}/ipfs/${cid}`)
    expect(gateway.headers.get('vary')).toMatch(/Accept/i)
    expect(gateway.headers.get('x-ipfs-path')).toBe(`/ipfs/${cid}`)
  })

  it('Range as RFC 9110 says: other units and malformed ranges are ignored, a 416 says the size', async () => {
    for (const path of [`/ipfs/${cid}`, `/api/v1/cat/${cid}`]) {
      expect((await send('GET', path, { range: 'items=0-1' })).status, path).toBe(200)
      const sloppy = await send('GET', path, { range: 'bytes=0-1x' })
      expect(sloppy.status, path).toBe(200)
      expect(sloppy.body).toBe('seventeen bytes!!')
      const past = await send('GET', path, { range: 'bytes=100-200' })
      expect(past.status, path).toBe(416)
      expect(past.contentRange, path).toBe('bytes */17')
      const ok = await send('GET', path, { range: 'bytes=0-8' })
      expect([ok.status, ok.body, ok.contentRange]).toEqual([206, 'seventeen', 'bytes 0-8/17'])
    }
  })

  it('a CAR for a path that does not exist is a 404, not a 200 cut short', async () => {
    const form = new FormData()
    form.append('file', new Blob(['one']), 'dir/one.txt')
    const dir = (await (await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: form })).json() as { cid: string }).cid
    const answer = await send('GET', `/ipfs/${dir}/nope?format=car`, {})
    expect(answer.status).toBe(404)
  })
})
