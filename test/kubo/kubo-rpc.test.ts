/**
 * The Kubo RPC subset at /api/v0, driven by `kubo-rpc-client` (the client scripts and apps use against Kubo),
 * unchanged, against a running relay.
 */
import { createHash, randomBytes } from 'node:crypto'
import { extract } from 'it-tar'
import { create } from 'kubo-rpc-client'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { expect } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { KuboRPCClient } from 'kubo-rpc-client'
import type { TestRelay } from '../relay/support.ts'

let relay: TestRelay
let ipfs: KuboRPCClient

beforeAll(async () => {
  relay = await startTestRelay()
  ipfs = create({ url: `${relay.url}/api/v0` })
}, 60_000)
afterAll(async () => { await relay?.destroy() })

async function collect (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Buffer.concat(chunks)
}

describe('Kubo RPC (kubo-rpc-client)', () => {
  it('add: a file gets Kubo\'s default CIDv0 and is pinned; cat reads it whole and by offset/length', async () => {
    const bytes = new TextEncoder().encode('hello from kubo-rpc-client\n')
    const added = await ipfs.add(bytes)
    // what `ipfs add` gives for these bytes with Kubo's defaults (CIDv0, 256 KiB chunks, dag-pb leaves)
    expect(added.cid.version).toBe(0)
    expect(added.size).toBeGreaterThan(0)
    expect(await relay.node.blockstore.has(CID.parse(added.cid.toString()))).toBe(true)
    expect((await collect(ipfs.cat(added.cid))).toString()).toBe('hello from kubo-rpc-client\n')
    expect((await collect(ipfs.cat(added.cid, { offset: 6, length: 4 }))).toString()).toBe('from')
    const pins = []
    for await (const pin of ipfs.pin.ls({ paths: [added.cid] })) pins.push(pin)
    expect(pins).toMatchObject([{ type: 'recursive' }])
    expect(pins[0]?.cid.toString()).toBe(added.cid.toString())
  })

  it('add: CIDv1 with raw leaves, and progress reported for a large file', async () => {
    const big = new Uint8Array(randomBytes(3 * 1024 * 1024))
    const progress: number[] = []
    const added = await ipfs.add(big, { cidVersion: 1, rawLeaves: true, progress: (bytes: number) => { progress.push(bytes) } })
    expect(added.cid.version).toBe(1)
    expect(added.size).toBeGreaterThanOrEqual(big.byteLength)
    expect(progress.at(-1)).toBe(big.byteLength)
    const back = await collect(ipfs.cat(added.cid))
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'))
  })

  it('add: a directory (addAll with paths and wrap-with-directory), ls and get as tar', async () => {
    const results = []
    for await (const entry of ipfs.addAll([
      { path: 'docs/a.txt', content: new TextEncoder().encode('alpha') },
      { path: 'docs/sub/b.txt', content: new TextEncoder().encode('beta') }
    ], { wrapWithDirectory: true })) results.push(entry)
    expect(results.map(r => r.path)).toEqual(expect.arrayContaining(['docs/a.txt', 'docs/sub/b.txt', 'docs/sub', 'docs']))
    const root = results.at(-1)
    if (root === undefined) throw new Error('no root')
    const listing = []
    for await (const entry of ipfs.ls(`${root.cid.toString()}/docs`)) listing.push({ name: entry.name, type: entry.type })
    expect(listing).toEqual([{ name: 'a.txt', type: 'file' }, { name: 'sub', type: 'dir' }])

    const files: Record<string, string> = {}
    for await (const entry of extract()(ipfs.get(`${root.cid.toString()}/docs`))) {
      const body = await collect(entry.body)
      if (entry.header.type === 'file') files[entry.header.name] = body.toString()
    }
    expect(files).toEqual({ 'docs/a.txt': 'alpha', 'docs/sub/b.txt': 'beta' })
  })

  it('block put/get/stat and dag put/get', async () => {
    const data = new TextEncoder().encode('a raw block')
    const cid = await ipfs.block.put(data)
    expect(cid.code).toBe(raw.code)
    expect(Buffer.from(await ipfs.block.get(cid)).toString()).toBe('a raw block')
    expect(await ipfs.block.stat(cid)).toMatchObject({ size: data.byteLength })

    const node = { hello: 'dag', n: 3, link: cid }
    const dagCid = await ipfs.dag.put(node)
    const got = await ipfs.dag.get(dagCid)
    expect(got.value).toMatchObject({ hello: 'dag', n: 3 })
    expect(String(got.value.link)).toBe(cid.toString())
    const viaJson = await ipfs.dag.put({ stored: 'as json' }, { storeCodec: 'dag-json' })
    expect((await ipfs.dag.get(viaJson)).value).toEqual({ stored: 'as json' })
  })

  it('block rm removes an unpinned block and refuses a pinned one, as Kubo', async () => {
    const loose = await ipfs.block.put(new TextEncoder().encode(`loose block ${Math.random()}`))
    const removed = []
    for await (const result of ipfs.block.rm(loose)) removed.push(result)
    expect(removed).toHaveLength(1)
    expect(removed[0]?.cid.toString()).toBe(loose.toString())
    expect(removed[0]?.error).toBeUndefined()
    expect(await relay.node.blockstore.has(CID.parse(loose.toString()))).toBe(false)

    const kept = await ipfs.add(new TextEncoder().encode(`pinned block ${Math.random()}`), { cidVersion: 1 })
    const refused = []
    for await (const result of ipfs.block.rm(kept.cid)) refused.push(result)
    expect(refused[0]?.error?.message).toMatch(/is pinned/)
    expect(await relay.node.blockstore.has(CID.parse(kept.cid.toString()))).toBe(true)
  })

  it('dag export and import round-trip a DAG as a CAR, roots pinned', async () => {
    const added = await ipfs.add(new TextEncoder().encode(`exported ${Math.random()}`), { cidVersion: 1, pin: false })
    const car = await collect(ipfs.dag.export(added.cid))
    expect(car.byteLength).toBeGreaterThan(0)
    const other = await startTestRelay()
    try {
      const elsewhere = create({ url: `${other.url}/api/v0` })
      const roots = []
      for await (const result of elsewhere.dag.import([car])) roots.push(result.root.cid.toString())
      expect(roots).toEqual([added.cid.toString()])
      expect((await collect(elsewhere.cat(added.cid))).toString()).toMatch(/^exported /)
      const pins = []
      for await (const pin of elsewhere.pin.ls({ paths: [added.cid] })) pins.push(pin.type)
      expect(pins).toEqual(['recursive'])
    } finally {
      await other.destroy()
    }
  })

  it('pin add/ls/rm, refs, id, version and swarm peers', async () => {
    const added = await ipfs.add(new TextEncoder().encode(`pin me ${Math.random()}`), { pin: false })
    const pinned = await ipfs.pin.add(added.cid)
    expect(pinned.toString()).toBe(added.cid.toString())
    const listed = []
    // pins are recorded by multihash: a listing names them in CIDv1 form (docs/COMPATIBILITY.md)
    for await (const pin of ipfs.pin.ls({ type: 'recursive' })) listed.push(pin.cid.toV1().toString())
    expect(listed).toContain(added.cid.toV1().toString())
    const removed = []
    for await (const cid of ipfs.pin.rmAll([{ cid: added.cid }])) removed.push(cid.toString())
    expect(removed).toEqual([added.cid.toString()])

    const dir = []
    for await (const entry of ipfs.addAll([{ path: 'r/x', content: new TextEncoder().encode('x') }, { path: 'r/y', content: new TextEncoder().encode('y') }])) dir.push(entry)
    const refs = []
    for await (const ref of ipfs.refs(dir.at(-1)?.cid ?? '', { recursive: true })) refs.push(ref.ref)
    expect(refs).toHaveLength(2)

    const id = await ipfs.id()
    expect(id.id.toString()).toBe(relay.node.libp2p.peerId.toString())
    expect(id.addresses.length).toBeGreaterThan(0)
    expect((await ipfs.version()).version).toMatch(/ipfs-kit/)
    expect(Array.isArray(await ipfs.swarm.peers())).toBe(true)
  })

  it('errors: Kubo\'s shape for a bad CID, a missing argument and an unsupported command; GET is 405', async () => {
    await expect(ipfs.block.stat(CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'), { timeout: 5000 })).rejects.toThrow(/ERR_/)
    const bad = await fetch(`${relay.url}/api/v0/cat?arg=not-a-cid`, { method: 'POST' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ Code: 1, Type: 'error', Message: expect.stringContaining('ERR_INVALID_CID') })
    const missing = await fetch(`${relay.url}/api/v0/cat`, { method: 'POST' })
    expect(await missing.json()).toMatchObject({ Type: 'error', Message: expect.stringContaining('argument "ipfs-path" is required') })
    await expect(ipfs.name.publish('/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')).rejects.toThrow(/does not implement "name\/publish"/)
    const get = await fetch(`${relay.url}/api/v0/id`)
    expect(get.status).toBe(405)
    expect(await get.json()).toMatchObject({ Type: 'error' })
  })
})
