/**
 * Fuzz every route that takes a body or a path with fast-check, against one real relay: whatever arrives, the answer
 * is never a 5xx and the relay keeps serving. CI runs a few cases per route (FUZZ_RUNS, default 25); `npm run fuzz`
 * runs 5,000.
 */
import { request } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 25)
const TIMEOUT = Math.max(60_000, RUNS * 200)

interface Answer { status: number, body: string }

let relay: TestRelay
let fileCid: string
let dirCid: string
let validCar: Uint8Array

/** A raw request: any method, path, headers and body (fetch refuses some of what a fuzzer sends). */
async function send (method: string, path: string, headers: Record<string, string>, body?: Uint8Array | string): Promise<Answer> {
  const { hostname, port } = new URL(relay.url)
  return await new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { if (text.length < 2000) text += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }) })
      res.on('error', reject)
    })
    req.on('error', err => {
      // the server may close a connection on a malformed request: that is an answer, not a crash
      if ('code' in err && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resolve({ status: 400, body: '' })
      else reject(err)
    })
    req.end(body)
  })
}

function expectNo5xx (answer: Answer, what: string): void {
  if (answer.status >= 500) throw new Error(`${what} → ${answer.status} ${answer.body}`)
}

/** Printable and unprintable strings, and the usual suspects for paths and names. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '.', '..', 'a/../b', 'a//b', '/', 'a\r\nb', 'a\u0000b', '%00', '%ZZ', '😀', 'a'.repeat(300))
)
const cidLike = fc.oneof(fc.constant(() => fileCid), fc.constant(() => dirCid), fc.constant(() => 'bafkqaaa'), fc.constant(() => 'QmNotACidAtAll'), nasty.map(s => () => s))
const pathPart = (s: string): string => encodeURIComponent(s)

beforeAll(async () => {
  relay = await startTestRelay()
  const added = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'a file the fuzzer reads in ranges' })
  fileCid = (await added.json() as { cid: string }).cid
  const form = new FormData()
  form.append('file', new Blob(['one']), 'dir/one.txt')
  form.append('file', new Blob(['two']), 'dir/sub/two.txt')
  dirCid = (await (await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: form })).json() as { cid: string }).cid
  validCar = new Uint8Array(await (await fetch(`${relay.url}/api/v1/car/${dirCid}`)).arrayBuffer())
})

afterAll(async () => {
  const health = await fetch(`${relay.url}/health`)
  expect(health.status).toBe(200)
  await relay?.destroy()
})

describe(`routes under fuzzing (${RUNS} cases each): never a 5xx`, () => {
  it('POST /api/v1/car: random bytes and mutated valid CARs', async () => {
    const mutated = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat()).map(([at, value, cut]) => {
      const copy = validCar.slice(0, Math.max(1, validCar.byteLength - (cut % 64)))
      copy[at % copy.byteLength] = value
      return copy
    })
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated), fc.constantFrom('application/vnd.ipld.car', 'application/octet-stream'), async (body, type) => {
      expectNo5xx(await send('POST', '/api/v1/car?pin=false', { 'content-type': type }, body), 'car import')
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('POST /api/v1/blocks: random bytes, CIDs, codecs and content types', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), cidLike, fc.option(nasty), fc.constantFrom('application/octet-stream', 'application/vnd.ipld.raw', 'text/plain', 'application/json', 'multipart/form-data; boundary=x'), async (body, cid, codec, type) => {
      const query = `?cid=${pathPart(cid())}${codec === null ? '' : `&codec=${pathPart(codec)}`}`
      expectNo5xx(await send('POST', `/api/v1/blocks${query}`, { 'content-type': type }, body), `block put ${query} ${type}`)
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('POST /api/v1/add: octet-stream with random names and options', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), nasty, fc.option(fc.integer({ min: -5, max: 3_000_000 })), fc.option(fc.constantFrom('0', '1', '2', 'x')), async (body, name, chunkSize, cidVersion) => {
      const query = `?pin=false&name=${pathPart(name)}${chunkSize === null ? '' : `&chunkSize=${chunkSize}`}${cidVersion === null ? '' : `&cidVersion=${cidVersion}`}`
      expectNo5xx(await send('POST', `/api/v1/add${query}`, { 'content-type': 'application/octet-stream' }, body), `add ${query}`)
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('POST /api/v1/add: multipart with odd file names, duplicates and truncated bodies', async () => {
    const part = fc.record({ filename: fc.option(nasty), data: fc.string({ maxLength: 50 }) })
    await fc.assert(fc.asyncProperty(fc.array(part, { maxLength: 5 }), fc.nat(), fc.boolean(), async (parts, cut, truncate) => {
      const text = parts.map(p => `--BB\r\ncontent-disposition: form-data; name="file"${p.filename === null ? '' : `; filename="${p.filename.replace(/"/g, '')}"`}\r\n\r\n${p.data}\r\n`).join('') + '--BB--\r\n'
      const body = truncate ? text.slice(0, cut % (text.length + 1)) : text
      expectNo5xx(await send('POST', '/api/v1/add?pin=false', { 'content-type': 'multipart/form-data; boundary=BB' }, body), `multipart ${JSON.stringify(body).slice(0, 200)}`)
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('GET /ipfs/{cid}/{path}: random paths, Range headers and formats', async () => {
    const range = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 30 }), fc.tuple(fc.option(fc.nat({ max: 100 })), fc.option(fc.nat({ max: 100 }))).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`), fc.constantFrom('items=0-1', 'bytes=0-1x', 'bytes=5-2', 'bytes=-0', 'bytes=0-1,3-4'))
    await fc.assert(fc.asyncProperty(cidLike, fc.array(nasty, { maxLength: 3 }), range, fc.option(fc.constantFrom('raw', 'car', 'tar', '')), fc.option(nasty), async (cid, segments, rangeHeader, format, scope) => {
      const path = `/ipfs/${pathPart(cid())}${segments.map(s => `/${pathPart(s)}`).join('')}?${format === null ? '' : `format=${format}&`}${scope === null ? '' : `dag-scope=${pathPart(scope)}&entity-bytes=${pathPart(scope)}`}`
      const headers: Record<string, string> = {}
      // a header value Node can send: printable ASCII only
      if (rangeHeader !== undefined && /^[\x20-\x7e]*$/.test(rangeHeader)) headers.range = rangeHeader
      expectNo5xx(await send('GET', path, headers), `gateway ${path} ${headers.range ?? ''}`)
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('GET /api/v1/cat|ls|stat: random targets and ranges', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('cat', 'ls', 'stat'), cidLike, fc.option(nasty), fc.option(fc.integer({ min: -3, max: 100 })), async (op, cid, sub, offset) => {
      const path = `/api/v1/${op}/${pathPart(cid())}${sub === null ? '' : `/${pathPart(sub)}`}${offset === null ? '' : `?offset=${offset}&length=${offset}`}`
      expectNo5xx(await send('GET', path, {}), path)
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('JSON bodies: pins, cluster pins, storage placements, search', async () => {
    const body = fc.oneof(fc.json(), fc.string({ maxLength: 60 }), fc.record({ cid: cidLike.map(f => f()), name: fc.option(nasty), recursive: fc.option(fc.boolean()), metadata: fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer(), fc.constant(null)))) }).map(v => JSON.stringify(v)))
    await fc.assert(fc.asyncProperty(fc.constantFrom('/api/v1/pins', '/api/v1/cluster/pins', '/api/v1/storage/CID', '/api/v1/search'), body, async (route, json) => {
      const path = route.replace('CID', fileCid)
      expectNo5xx(await send('POST', path, { 'content-type': 'application/json' }, json), `${path} ${json.slice(0, 200)}`)
    }), { numRuns: RUNS })
  }, TIMEOUT)

  it('GET /api/v1/search: random query strings', async () => {
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom('q', 'mode', 'limit', 'offset', 'tolerance', 'vectorWeight', 'facets', 'tags', 'mime', 'minSize'), nasty, { maxKeys: 5 }), async (params) => {
      const query = Object.entries(params).map(([k, v]) => `${k}=${pathPart(v)}`).join('&')
      expectNo5xx(await send('GET', `/api/v1/search?${query}`, {}), `search ${query}`)
    }), { numRuns: RUNS })
  }, TIMEOUT)
})
