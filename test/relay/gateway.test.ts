import { createHash } from 'node:crypto'
import { CarBlockIterator } from '@ipld/car'
import { fallbackRouter } from '@helia/fallback-router'
import { trustlessGatewayBlockBroker } from '@helia/trustless-gateway-client'
import { createVerifiedFetchWithHelia } from '@helia/verified-fetch'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { expect } from 'vitest'
import { verifyBlock } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { collect, pseudoRandomBytes } from '../support/fixtures.ts'
import { addBytes, startTestRelay } from './support.ts'
import type { TestRelay } from './support.ts'
import type { VerifiedFetch } from '@helia/verified-fetch'
import type { Helia } from 'helia'

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const text = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s)

let relay: TestRelay
let fileCid: string
let dirCid: string
const file = pseudoRandomBytes(3 * 1024 * 1024 + 5, 77)

beforeAll(async () => {
  relay = await startTestRelay()
  fileCid = (await addBytes(relay.url, file)).cid
  const form = new FormData()
  form.append('file', new Blob([text('<h1>hi</h1>')]), 'index.html')
  form.append('file', new Blob([file]), 'data/big.bin')
  const res = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: form })
  dirCid = (await res.json() as { cid: string }).cid
})
afterAll(async () => { await relay.destroy() })

/** Parse a CAR response: roots and blocks, each block verified against its CID. */
async function readCar (res: Response): Promise<{ roots: string[], blocks: Array<{ cid: string, bytes: Uint8Array }> }> {
  const iterator = await CarBlockIterator.fromBytes(new Uint8Array(await res.arrayBuffer()))
  const blocks = []
  for await (const block of iterator) {
    await verifyBlock(block.cid, block.bytes)
    blocks.push({ cid: block.cid.toString(), bytes: block.bytes })
  }
  return { roots: (await iterator.getRoots()).map(String), blocks }
}

describe('trustless gateway with @helia/verified-fetch as the client', () => {
  let helia: Helia
  let verifiedFetch: VerifiedFetch

  beforeAll(async () => {
    // the recipe from DESIGN.md: createVerifiedFetch({ gateways }) hangs with only fallback routers
    const gateways = fallbackRouter({ gateways: [relay.url] })
    const findProviders = gateways.findProviders?.bind(gateways)
    if (findProviders === undefined) throw new Error('fallbackRouter has no findProviders')
    helia = createHeliaLight({
      blockstore: new MemoryBlockstore(),
      datastore: new MemoryDatastore(),
      routers: [{ name: 'gateway', findProviders }],
      blockBrokers: [trustlessGatewayBlockBroker({ allowLocal: true, allowInsecure: true })]
    })
    await helia.start()
    verifiedFetch = await createVerifiedFetchWithHelia(helia)
  })
  afterAll(async () => {
    await verifiedFetch.stop()
    await helia.stop()
  })

  it('fetches and verifies a multi-block file', async () => {
    const res = await verifiedFetch(`ipfs://${fileCid}`)
    expect(res.status).toBe(200)
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(file))
  })

  it('fetches a file inside a directory by path', async () => {
    const res = await verifiedFetch(`ipfs://${dirCid}/data/big.bin`)
    expect(res.status).toBe(200)
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(file))
    const html = await verifiedFetch(`ipfs://${dirCid}/index.html`)
    expect(await html.text()).toBe('<h1>hi</h1>')
  })
})

describe('trustless gateway responses', () => {
  it('answers the bafkqaaa probe', async () => {
    const res = await fetch(`${relay.url}/ipfs/bafkqaaa?format=raw`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.ipld.raw')
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it('serves one raw block with etag, immutable caching and 304 on If-None-Match', async () => {
    const res = await fetch(`${relay.url}/ipfs/${fileCid}`, { headers: { accept: 'application/vnd.ipld.raw' } })
    expect(res.status).toBe(200)
    const bytes = new Uint8Array(await res.arrayBuffer())
    const { CID } = await import('multiformats/cid')
    await verifyBlock(CID.parse(fileCid), bytes)
    const etag = res.headers.get('etag')
    expect(etag).toBe(`"${fileCid}.raw"`)
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const again = await fetch(`${relay.url}/ipfs/${fileCid}?format=raw`, { headers: { 'if-none-match': etag ?? '' } })
    expect(again.status).toBe(304)
  })

  it('serves a CAR of the whole DAG (dag-scope=all) whose blocks all verify', async () => {
    const res = await fetch(`${relay.url}/ipfs/${fileCid}?format=car`)
    expect(res.headers.get('content-type')).toContain('application/vnd.ipld.car')
    const car = await readCar(res)
    expect(car.roots).toEqual([fileCid])
    expect(car.blocks).toHaveLength(5) // root + 4 leaves of 1 MiB (the last one short)
    const store = new MemoryBlockstore()
    const content = createContentStore({ blockstore: store })
    await content.importCar([await (await fetch(`${relay.url}/ipfs/${fileCid}?format=car`)).arrayBuffer()].map(b => new Uint8Array(b)))
    expect(sha(await collect(content.cat(fileCid)))).toBe(sha(file))
  })

  it('limits the CAR by dag-scope and entity-bytes', async () => {
    const block = await readCar(await fetch(`${relay.url}/ipfs/${dirCid}/data/big.bin?format=car&dag-scope=block`))
    // the path blocks (root dir, data dir) and the file's root only
    expect(block.blocks).toHaveLength(3)
    expect(block.roots).toEqual([dirCid])
    const entity = await readCar(await fetch(`${relay.url}/ipfs/${dirCid}/data/big.bin?format=car&dag-scope=entity`))
    expect(entity.blocks).toHaveLength(2 + 5)
    const range = await readCar(await fetch(`${relay.url}/ipfs/${fileCid}?format=car&dag-scope=entity&entity-bytes=1048576:1048580`))
    expect(range.blocks).toHaveLength(2) // the root and the one leaf holding bytes 1 MiB..1 MiB+4
    const dirEntity = await readCar(await fetch(`${relay.url}/ipfs/${dirCid}?format=car&dag-scope=entity`))
    expect(dirEntity.blocks).toHaveLength(1)
  })

  it('supports HEAD and file bytes with Range when no trustless format is asked for', async () => {
    const head = await fetch(`${relay.url}/ipfs/${fileCid}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(file.byteLength))
    const range = await fetch(`${relay.url}/ipfs/${fileCid}`, { headers: { range: 'bytes=10-19' } })
    expect(range.status).toBe(206)
    expect(sha(new Uint8Array(await range.arrayBuffer()))).toBe(sha(file.subarray(10, 20)))
  })

  it('answers bad requests as the spec says', async () => {
    expect((await fetch(`${relay.url}/ipfs/not-a-cid?format=raw`)).status).toBe(400)
    expect((await fetch(`${relay.url}/ipfs/${fileCid}?format=tar`)).status).toBe(400)
    expect((await fetch(`${relay.url}/ipfs/${dirCid}/index.html?format=raw`)).status).toBe(400)
    expect((await fetch(`${relay.url}/ipfs/${fileCid}?format=car&dag-scope=some`)).status).toBe(400)
    expect((await fetch(`${relay.url}/ipfs/${fileCid}?format=car&entity-bytes=x:y`)).status).toBe(400)
    expect((await fetch(`${relay.url}/ipfs/bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq?format=raw`)).status).toBe(404)
    expect((await fetch(`${relay.url}/ipfs/bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq?format=raw`, { headers: { 'cache-control': 'only-if-cached' } })).status).toBe(412)
  })

  it('answers 404 for a CAR of a root it does not have, instead of a 200 cut short after the header', async () => {
    const missing = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq'
    const gateway = await fetch(`${relay.url}/ipfs/${missing}?format=car`)
    expect(gateway.status).toBe(404)
    expect(((await gateway.json()) as { code: string }).code).toBe('ERR_NOT_FOUND')
    const rest = await fetch(`${relay.url}/api/v1/car/${missing}`)
    expect(rest.status).toBe(404)
  })
})
