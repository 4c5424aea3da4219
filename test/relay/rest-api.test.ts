import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { CarWriter } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore, collectBlock } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { blockKey, blockPath } from '../../node-relay/blocks/fs-layout.ts'
import fc from 'fast-check'
import { expect } from 'vitest'
import { collect, pseudoRandomBytes, rawBlock } from '../support/fixtures.ts'
import { addBytes, startTestRelay } from './support.ts'
import type { TestRelay } from './support.ts'

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const text = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s)

let relay: TestRelay
beforeAll(async () => { relay = await startTestRelay() })
afterAll(async () => { await relay.destroy() })

async function json<T> (res: Response): Promise<T> {
  return await res.json() as T
}

describe('REST API: content', () => {
  it('adds a stream, pins it by default, and cats it back whole and by Range', async () => {
    const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 17, 9)
    const { cid, size } = await addBytes(relay.url, bytes, '?name=random.bin')
    expect(size).toBe(bytes.byteLength)
    const whole = new Uint8Array(await (await fetch(`${relay.url}/api/v1/cat/${cid}`)).arrayBuffer())
    expect(sha(whole)).toBe(sha(bytes))
    const part = await fetch(`${relay.url}/api/v1/cat/${cid}`, { headers: { range: 'bytes=1048570-1048585' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1048570-1048585/${bytes.byteLength}`)
    expect(sha(new Uint8Array(await part.arrayBuffer()))).toBe(sha(bytes.subarray(1048570, 1048586)))
    const suffix = await fetch(`${relay.url}/api/v1/cat/${cid}`, { headers: { range: 'bytes=-10' } })
    expect(sha(new Uint8Array(await suffix.arrayBuffer()))).toBe(sha(bytes.subarray(bytes.byteLength - 10)))
    const pins = await json<{ pins: Array<{ cid: string, name: string }> }>(await fetch(`${relay.url}/api/v1/pins?cid=${cid}`))
    expect(pins.pins).toEqual([expect.objectContaining({ cid, name: 'random.bin' })])
  })

  it('adds a multipart directory tree as itself (as ipfs add does), lists it and reads files by path', async () => {
    const form = new FormData()
    form.append('file', new Blob([text('alpha')]), 'site/a.txt')
    form.append('file', new Blob([pseudoRandomBytes(1_200_000, 4)]), 'site/img/b.bin')
    const res = await fetch(`${relay.url}/api/v1/add?name=site`, { method: 'POST', body: form })
    expect(res.status).toBe(200)
    const added = await json<{ cid: string, entries: Array<{ path: string, cid: string }> }>(res)
    expect(added.entries.map(e => e.path).sort()).toEqual(['site', 'site/a.txt', 'site/img', 'site/img/b.bin'])
    expect(added.cid).toBe(added.entries.find(e => e.path === 'site')?.cid) // the one top-level directory is the root
    const ls = await json<{ entries: Array<{ name: string, type: string }> }>(await fetch(`${relay.url}/api/v1/ls/${added.cid}`))
    expect(ls.entries.map(e => `${e.name}:${e.type}`).sort()).toEqual(['a.txt:raw', 'img:directory'])
    expect(await (await fetch(`${relay.url}/api/v1/cat/${added.cid}/a.txt`)).text()).toBe('alpha')
    // wrap=true wraps it, as ipfs add -w; several top-level entries are always wrapped
    const wrapped = await json<{ cid: string, entries: Array<{ path: string }> }>(await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form }))
    expect(wrapped.entries.map(e => e.path)).toContain('')
    const two = new FormData()
    two.append('file', new Blob([text('one')]), 'one.txt')
    two.append('file', new Blob([text('two')]), 'two.txt')
    const both = await json<{ cid: string }>(await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: two }))
    const listing = await json<{ entries: Array<{ name: string }> }>(await fetch(`${relay.url}/api/v1/ls/${both.cid}`))
    expect(listing.entries.map(e => e.name).sort()).toEqual(['one.txt', 'two.txt'])
    const stat = await json<{ type: string, blocks: number }>(await fetch(`${relay.url}/api/v1/stat/${added.cid}?dagSize=true`))
    expect(stat.type).toBe('directory')
    expect(stat.blocks).toBeGreaterThan(4)
  })

  it('answers bad input with typed 4xx errors', async () => {
    const cases: Array<[string, RequestInit | undefined, number, string]> = [
      ['/api/v1/cat/not-a-cid', undefined, 400, 'ERR_INVALID_CID'],
      ['/api/v1/stat/bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq', undefined, 404, 'ERR_NOT_FOUND'],
      ['/api/v1/pins', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"cid":"zzz"}' }, 400, 'ERR_INVALID_CID'],
      ['/api/v1/pins', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope":1}' }, 400, 'ERR_INVALID_INPUT'],
      ['/api/v1/add', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nbroken' }, 400, 'ERR_INVALID_INPUT'],
      ['/api/v1/add', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 400, 'ERR_INVALID_INPUT'],
      ['/api/v1/blocks', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: pseudoRandomBytes(2 * 1024 * 1024 + 1) }, 413, 'ERR_BLOCK_TOO_LARGE'],
      ['/api/v1/car', { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body: text('definitely not a car') }, 400, 'ERR_INVALID_CAR'],
      ['/api/v1/nowhere', undefined, 404, 'ERR_NOT_FOUND']
    ]
    for (const [path, init, status, code] of cases) {
      const res = await fetch(relay.url + path, init)
      const body = await json<{ code: string }>(res)
      expect({ path, status: res.status, code: body.code }).toEqual({ path, status, code })
    }
  })

  it('pins a CID that already sits inside another pin (regression: was a 500)', async () => {
    const form = new FormData()
    form.append('file', new Blob([text('inner file')]), 'outer/inner.txt')
    const added = await json<{ entries: Array<{ path: string, cid: string }> }>(await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: form }))
    const inner = added.entries.find(e => e.path === 'outer/inner.txt')?.cid ?? ''
    const pinned = await fetch(`${relay.url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid: inner, name: 'inner' }) })
    expect(pinned.status).toBe(200)
    expect(await json<{ name: string }>(pinned)).toMatchObject({ cid: inner, name: 'inner' })
    expect((await fetch(`${relay.url}/api/v1/pins/${inner}`, { method: 'DELETE' })).status).toBe(200)
    // the block stays held by the outer pin, but this CID has no pin record of its own any more
    expect((await fetch(`${relay.url}/api/v1/pins/${inner}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('says ERR_NOT_A_FILE for cat of a directory and 416 for an offset past the end', async () => {
    const form = new FormData()
    form.append('file', new Blob([text('x')]), 'd/x.txt')
    const { cid } = await json<{ cid: string }>(await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: form }))
    const dir = await fetch(`${relay.url}/api/v1/cat/${cid}`)
    expect(dir.status).toBe(400)
    expect((await json<{ code: string }>(dir)).code).toBe('ERR_NOT_A_FILE')
    const past = await fetch(`${relay.url}/api/v1/cat/${cid}/x.txt?offset=5`)
    expect(past.status).toBe(416)
  })

  it('a small file with a corrupt block in its middle is an error status, not a 200 cut short', async () => {
    // the DAG made here, its blocks put one by one, one leaf written to disk damaged: nothing on the relay has read
    // (and cached) that leaf before the cat does
    const local = new MemoryBlockstore()
    const { cid } = await createContentStore({ blockstore: local }).add(pseudoRandomBytes(8 * 1024, 21), { chunker: { type: 'fixed', size: 1024 }, rawLeaves: true, cidVersion: 1 })
    const leaves = dagPb.decode(await collectBlock(local.get(cid))).Links.map(link => link.Hash)
    const damaged = leaves[3]
    expect(damaged).toBeDefined()
    for await (const { cid: blockCid, bytes } of local.getAll()) {
      if (damaged !== undefined && blockCid.equals(damaged)) continue
      const put = await fetch(`${relay.url}/api/v1/blocks?cid=${blockCid.toString()}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(await collectBlock(bytes)) })
      expect(put.status).toBe(200)
    }
    const path = blockPath(join(relay.dataDir, 'blocks'), blockKey(damaged ?? cid))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, 'not what was added')
    const res = await fetch(`${relay.url}/api/v1/cat/${cid.toString()}`)
    expect(res.status).toBe(502)
    expect((await res.json() as { code: string }).code).toBe('ERR_BLOCK_CORRUPT')
  })

  it('refuses an unsatisfiable Range with 416', async () => {
    const { cid } = await addBytes(relay.url, text('0123456789'))
    const res = await fetch(`${relay.url}/api/v1/cat/${cid}`, { headers: { range: 'bytes=50-60' } })
    expect(res.status).toBe(416)
    expect((await json<{ code: string }>(res)).code).toBe('ERR_INVALID_RANGE')
  })
})

describe('REST API: blocks, pins and CARs', () => {
  it('puts a block verified against its CID and refuses a mismatch', async () => {
    const block = await rawBlock(text('a block'))
    const ok = await fetch(`${relay.url}/api/v1/blocks?cid=${block.cid.toString()}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: block.bytes })
    expect(await json<{ cid: string }>(ok)).toEqual({ cid: block.cid.toString(), size: block.bytes.byteLength, codec: 'raw' })
    const bad = await fetch(`${relay.url}/api/v1/blocks?cid=${block.cid.toString()}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: text('other bytes') })
    expect(bad.status).toBe(400) // the client's mistake, not a corrupt store
    expect((await json<{ code: string }>(bad)).code).toBe('ERR_CID_MISMATCH')
    const got = await fetch(`${relay.url}/api/v1/blocks/${block.cid.toString()}`)
    expect(new TextDecoder().decode(await got.arrayBuffer())).toBe('a block')
    const stat = await json<{ size: number }>(await fetch(`${relay.url}/api/v1/blocks/${block.cid.toString()}/stat`))
    expect(stat.size).toBe(7)
  })

  it('pins with a name and metadata, lists and removes the pin', async () => {
    const { cid } = await addBytes(relay.url, text('pin me'), '?pin=false')
    expect((await json<{ pins: unknown[] }>(await fetch(`${relay.url}/api/v1/pins?cid=${cid}`))).pins).toEqual([])
    const pinned = await fetch(`${relay.url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid, name: 'note', metadata: { owner: 'ada', stars: 3 } }) })
    expect(await json<object>(pinned)).toEqual({ cid, name: 'note', recursive: true, depth: -1, metadata: { owner: 'ada', stars: 3 } })
    expect((await fetch(`${relay.url}/api/v1/pins/${cid}`, { method: 'DELETE' })).status).toBe(200)
    const again = await fetch(`${relay.url}/api/v1/pins/${cid}`, { method: 'DELETE' })
    expect(again.status).toBe(404)
  })

  it('exports a CAR that imports into another relay with the same content', async () => {
    const bytes = pseudoRandomBytes(2_500_000, 21)
    const { cid } = await addBytes(relay.url, bytes)
    const car = new Uint8Array(await (await fetch(`${relay.url}/api/v1/car/${cid}`)).arrayBuffer())
    const other = await startTestRelay()
    try {
      const res = await fetch(`${other.url}/api/v1/car`, { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body: car })
      const imported = await json<{ roots: string[], blocks: number }>(res)
      expect(imported.roots).toEqual([cid])
      expect(imported.blocks).toBe(4)
      expect(sha(new Uint8Array(await (await fetch(`${other.url}/api/v1/cat/${cid}`)).arrayBuffer()))).toBe(sha(bytes))
      expect((await json<{ pins: unknown[] }>(await fetch(`${other.url}/api/v1/pins?cid=${cid}`))).pins).toHaveLength(1)
    } finally {
      await other.destroy()
    }
  })

  it('a CAR with one corrupt block is refused and leaves no block and no pin behind', async () => {
    const good = await rawBlock(text('good'))
    const bad = { cid: (await rawBlock(text('claimed'))).cid, bytes: text('swapped') }
    const { writer, out } = CarWriter.create([good.cid])
    const carBytes = collect(out)
    await writer.put(good)
    await writer.put(bad)
    await writer.close()
    const res = await fetch(`${relay.url}/api/v1/car`, { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body: await carBytes })
    expect(res.status).toBe(400)
    expect((await json<{ code: string }>(res)).code).toBe('ERR_CID_MISMATCH')
    expect((await fetch(`${relay.url}/api/v1/blocks/${good.cid.toString()}/stat`)).status).toBe(404)
    expect((await json<{ pins: unknown[] }>(await fetch(`${relay.url}/api/v1/pins?cid=${good.cid.toString()}`))).pins).toEqual([])
  })
})

describe('REST API: property tests (no 5xx, no crash)', () => {
  it('random bytes posted as a CAR always get a 4xx with a code', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
      const res = await fetch(`${relay.url}/api/v1/car`, { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body: bytes })
      const body = await json<{ code?: string }>(res)
      expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true)
      if (res.status !== 200) expect(body.code).toMatch(/^ERR_/)
    }), { numRuns: 150 })
  })

  it('random strings as CIDs always get a 4xx with a code', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (value) => {
      const res = await fetch(`${relay.url}/api/v1/stat/${encodeURIComponent(value)}`)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect((await json<{ code: string }>(res)).code).toMatch(/^ERR_/)
    }), { numRuns: 200 })
  })
})
