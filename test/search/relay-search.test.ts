import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const encoder = new TextEncoder()

interface Hit { cid: string, score: number, document: { name: string, mime: string, tags: string[], textStatus: string, textNote?: string, snippet: string } }
interface Result { count: number, hits: Hit[], facets: Record<string, Record<string, number>> }

async function search (relay: TestRelay, params: Record<string, string>): Promise<Result> {
  const res = await fetch(`${relay.url}/api/v1/search?${new URLSearchParams(params).toString()}`)
  expect(res.status).toBe(200)
  return await res.json() as Result
}

async function pin (relay: TestRelay, cid: string, name: string, metadata: Record<string, string>): Promise<void> {
  const res = await fetch(`${relay.url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid, name, metadata }) })
  expect(res.status).toBe(200)
}

describe('search on a real relay', () => {
  let relay: TestRelay
  let dataDir: string
  const cids: Record<string, string> = {}

  beforeAll(async () => {
    relay = await startTestRelay({ 'search.snapshotDelayMs': 50 })
    dataDir = relay.dataDir
    cids.md = (await addBytes(relay.url, encoder.encode('# Orbits\n\nThe **planets** orbit the sun; astronomers use telescopes.'), '?name=orbits.md')).cid
    cids.html = (await addBytes(relay.url, encoder.encode('<html><body><script>var soup=1</script><h1>Recipe</h1><p>Tomato &amp; basil soup</p></body></html>'), '?name=soup.html')).cid
    cids.json = (await addBytes(relay.url, encoder.encode(JSON.stringify({ invoice: 'INV-7', customer: 'Acme', amount: 1200 })), '?name=invoice.json')).cid
    cids.bin = (await addBytes(relay.url, Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0, 1, 2, 3]), '?name=scan.pdf')).cid
    await pin(relay, cids.json, 'invoice.json', { tags: 'finance, work', customer: 'Acme' })
    await relay.search?.idle()
  }, 60_000)

  afterAll(async () => { await relay.destroy() })

  it('indexes added content and finds it by text, name and metadata, in each mode', async () => {
    expect((await search(relay, { q: 'planets telescopes' })).hits[0]?.cid).toBe(cids.md)
    expect((await search(relay, { q: 'tomato basil', mode: 'hybrid' })).hits[0]?.cid).toBe(cids.html)
    expect((await search(relay, { q: 'acme invoice', mode: 'vector' })).hits[0]?.cid).toBe(cids.json)
    const soup = (await search(relay, { q: 'soup' })).hits[0]
    expect(soup?.document).toMatchObject({ mime: 'text/html', textStatus: 'extracted' })
    // the script's text is not visible text
    expect(soup?.document.snippet).not.toContain('var soup')
  })

  it('keeps content whose text cannot be extracted, by its metadata and with the reason', async () => {
    const hit = (await search(relay, { q: 'scan' })).hits[0]
    expect(hit?.cid).toBe(cids.bin)
    expect(hit?.document).toMatchObject({ mime: 'application/pdf', textStatus: 'skipped' })
    expect(hit?.document.textNote).toBeTypeOf('string')
  })

  it('filters and counts facets over pin tags and types', async () => {
    const work = await search(relay, { q: '', tags: 'work', facets: 'tags,mime' })
    expect(work.hits.map(h => h.cid)).toEqual([cids.json])
    expect(work.facets.tags).toEqual({ finance: 1, work: 1 })
    const texts = await search(relay, { q: '', mime: 'text/*', facets: 'mime' })
    expect(texts.hits.map(h => h.cid).sort()).toEqual([cids.md, cids.html].sort())
    const post = await fetch(`${relay.url}/api/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'acme', filters: { tags: ['finance'] }, facets: ['size'] }) })
    const body = await post.json() as Result
    expect(body.hits.map(h => h.cid)).toEqual([cids.json])
    expect(body.facets.size?.['<1KiB']).toBe(1)
  })

  it('answers a malformed query or filter with a typed 400 naming the field', async () => {
    const bad = async (init: RequestInit | undefined, qs = ''): Promise<{ status: number, body: { code: string, field: string } }> => {
      const res = await fetch(`${relay.url}/api/v1/search${qs}`, init)
      return { status: res.status, body: await res.json() as { code: string, field: string } }
    }
    expect(await bad(undefined, '?q=x&minSize=lots')).toEqual({ status: 400, body: expect.objectContaining({ code: 'ERR_INVALID_QUERY', field: 'filters.minSize' }) })
    expect(await bad(undefined, '?q=x&mode=psychic')).toEqual({ status: 400, body: expect.objectContaining({ code: 'ERR_INVALID_QUERY', field: 'mode' }) })
    expect(await bad({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'x', filters: { mime: ['nonsense'] } }) }))
      .toEqual({ status: 400, body: expect.objectContaining({ code: 'ERR_INVALID_QUERY', field: 'filters.mime.0' }) })
    expect(await bad({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'x', sort: 'size' }) }))
      .toEqual({ status: 400, body: expect.objectContaining({ code: 'ERR_INVALID_QUERY', field: 'sort' }) })
  })

  it('documents the search API in OpenAPI', async () => {
    const spec = await (await fetch(`${relay.url}/docs/json`)).json() as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(spec.paths['/api/v1/search'] ?? {}).sort()).toEqual(['get', 'post'])
  })

  it('removes content from the index when it is unpinned', async () => {
    const res = await fetch(`${relay.url}/api/v1/pins/${cids.md ?? ''}`, { method: 'DELETE' })
    expect(res.status).toBe(200)
    await relay.search?.idle()
    for (const mode of ['text', 'vector', 'hybrid']) {
      expect((await search(relay, { q: 'planets telescopes', mode })).hits.map(h => h.cid)).not.toContain(cids.md)
    }
  })

  it('loads the index from its snapshot after a restart, without re-indexing', async () => {
    const before = await search(relay, { q: '', limit: '100' })
    await relay.stop()
    relay = await startTestRelay({ 'search.snapshotDelayMs': 50 }, dataDir)
    await relay.search?.idle()
    const stats = await (await fetch(`${relay.url}/api/v1/search/stats`)).json() as { documents: number, loadedFromSnapshot: boolean, indexedSinceStart: number }
    expect(stats).toMatchObject({ documents: before.count, loadedFromSnapshot: true, indexedSinceStart: 0 })
    expect((await search(relay, { q: 'tomato' })).hits[0]?.cid).toBe(cids.html)
    expect((await search(relay, { q: 'planets telescopes' })).hits.map(h => h.cid)).not.toContain(cids.md)
  }, 60_000)
})
