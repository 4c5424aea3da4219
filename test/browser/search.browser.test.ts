/**
 * Browser search in Chromium: the index in a real dedicated worker behind comlink, persisted to IndexedDB, fed by a
 * real service (Helia pins over memory stores) through its events.
 */
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { afterEach, describe, expect, it } from 'vitest'
import { startBrowserSearch } from '../../app/worker/search-client.ts'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { ContentStore } from '../../core/content/content-store.ts'
import { EventBus } from '../../core/events/bus.ts'
import { IpfsService } from '../../core/service/ipfs-service.ts'
import type { BrowserSearch } from '../../app/worker/search-client.ts'
import type { Helia } from 'helia'

const started: Array<{ helia: Helia, workers: Worker[] }> = []

function searchWorker (): Worker {
  return new Worker(new URL('../../app/worker/search-worker.ts', import.meta.url), { type: 'module' })
}

async function node (): Promise<{ service: IpfsService, events: EventBus, workers: Worker[] }> {
  const blockstore = new MemoryBlockstore()
  const helia = createHeliaLight({ blockstore, datastore: new MemoryDatastore() })
  await helia.start()
  const events = new EventBus()
  const service = new IpfsService({ content: new ContentStore({ blockstore }), pins: helia.pins, events })
  const workers: Worker[] = []
  started.push({ helia, workers })
  return { service, events, workers }
}

afterEach(async () => {
  for (const { helia, workers } of started.splice(0)) {
    for (const worker of workers) worker.terminate()
    await helia.stop()
  }
})

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('search in the browser worker', () => {
  it('indexes added content, searches in each mode with filters and facets, drops unpinned content, and reloads from IndexedDB without re-indexing', async () => {
    const { service, events, workers } = await node()
    const name = `ipfs-kit-search-test-${crypto.randomUUID()}`
    const worker = searchWorker()
    workers.push(worker)
    let search: BrowserSearch = await startBrowserSearch({ worker, service, events, name })

    const md = await service.add(encode('# Solar system\n\nPlanets orbit the sun, seen through telescopes.'), { name: 'space.md' })
    const json = await service.add(encode(JSON.stringify({ invoice: 'INV-9', customer: 'Globex', total: 99 })), { name: 'invoice.json' })
    await service.pinAdd(json.cid, { name: 'invoice.json', metadata: { tags: 'finance,work' } })
    const png = await service.add(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 0]), { name: 'logo.png' })
    await search.idle()

    for (const mode of ['text', 'vector', 'hybrid'] as const) {
      expect((await search.search({ query: 'planets telescopes', mode })).hits[0]?.cid, mode).toBe(md.cid.toString())
      expect((await search.search({ query: 'globex invoice', mode })).hits[0]?.cid, mode).toBe(json.cid.toString())
    }
    const logo = (await search.search({ query: 'logo' })).hits[0]
    expect(logo?.document).toMatchObject({ mime: 'image/png', textStatus: 'skipped' })
    const finance = await search.search({ query: '', filters: { tags: ['finance'] }, facets: ['mime', 'tags'] })
    expect(finance.hits.map(h => h.cid)).toEqual([json.cid.toString()])
    expect(finance.facets).toEqual({ mime: { 'application/json': 1 }, tags: { finance: 1, work: 1 } })
    await expect(search.search({ query: 'x', filters: { minSize: -1 } })).rejects.toMatchObject({ code: 'ERR_INVALID_QUERY', field: 'filters.minSize' })

    await service.pinRm(md.cid)
    await search.idle()
    expect((await search.search({ query: 'planets' })).hits.map(h => h.cid)).not.toContain(md.cid.toString())

    // a new worker (as after a reload) loads the IndexedDB snapshot: nothing is re-indexed
    await search.close()
    worker.terminate()
    const again = searchWorker()
    workers.push(again)
    search = await startBrowserSearch({ worker: again, service, events, name })
    await search.idle()
    expect(await search.stats()).toEqual({ documents: 2, loadedFromSnapshot: true, indexedSinceOpen: 0 })
    expect((await search.search({ query: 'globex' })).hits[0]?.cid).toBe(json.cid.toString())
    expect((await search.search({ query: 'logo' })).hits[0]?.cid).toBe(png.cid.toString())
    await search.close({ destroy: true })
  })
})
