import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, describe, expect, it } from 'vitest'
import { blockKey, blockPath } from '../../node-relay/blocks/fs-layout.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MIB = 1024 * 1024
const bytesOf = (seed: number): Uint8Array<ArrayBuffer> => new Uint8Array(2 * MIB + 100).map((_, i) => (i * 13 + seed) % 251)

async function firstLeaf (bytes: Uint8Array<ArrayBuffer>): Promise<{ cid: CID, bytes: Uint8Array<ArrayBuffer> }> {
  const leaf = bytes.subarray(0, MIB)
  return { cid: CID.createV1(raw.code, await sha256.digest(leaf)), bytes: leaf }
}

async function add (relay: TestRelay, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const res = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
  expect(res.status).toBe(200)
  return (await res.json() as { cid: string }).cid
}

async function cat (relay: TestRelay, cid: string): Promise<{ status: number, bytes: Uint8Array }> {
  const res = await fetch(`${relay.url}/api/v1/cat/${cid}`)
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) }
}

describe('a corrupt stored block can be repaired through the API', () => {
  const relays: TestRelay[] = []
  afterAll(async () => { for (const relay of relays) await relay.destroy().catch(() => {}) })

  /** Add a file, stop, overwrite its first leaf on disk, start again (so no cache hides it). */
  async function corruptedRelay (seed: number): Promise<{ relay: TestRelay, root: string, bytes: Uint8Array<ArrayBuffer>, leaf: { cid: CID, bytes: Uint8Array<ArrayBuffer> }, car: Uint8Array<ArrayBuffer> }> {
    const first = await startTestRelay()
    const bytes = bytesOf(seed)
    const root = await add(first, bytes)
    const car = new Uint8Array(await (await fetch(`${first.url}/api/v1/car/${root}`)).arrayBuffer())
    const leaf = await firstLeaf(bytes)
    const dataDir = first.dataDir
    await first.stop()
    await writeFile(blockPath(join(dataDir, 'blocks'), blockKey(leaf.cid)), new Uint8Array(MIB).fill(7))
    const relay = await startTestRelay({}, dataDir)
    relays.push(relay)
    return { relay, root, bytes, leaf, car }
  }

  it('re-adding the file repairs it; /health reports the corrupt block meanwhile', async () => {
    const { relay, root, bytes } = await corruptedRelay(1)
    const broken = await cat(relay, root)
    expect(broken.status).toBe(502)
    const health = await (await fetch(`${relay.url}/health`)).json() as { status: string, corruptBlocks: { seen: number } }
    expect(health).toMatchObject({ status: 'degraded', corruptBlocks: { seen: 1 } })
    expect(await add(relay, bytes)).toBe(root)
    const fixed = await cat(relay, root)
    expect(fixed.status).toBe(200)
    expect(Buffer.compare(Buffer.from(fixed.bytes), Buffer.from(bytes))).toBe(0)
  })

  it('re-importing the CAR repairs it', async () => {
    const { relay, root, bytes, car } = await corruptedRelay(2)
    expect((await cat(relay, root)).status).toBe(502)
    const res = await fetch(`${relay.url}/api/v1/car`, { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body: car })
    expect(res.status).toBe(200)
    const fixed = await cat(relay, root)
    expect(fixed.status).toBe(200)
    expect(Buffer.compare(Buffer.from(fixed.bytes), Buffer.from(bytes))).toBe(0)
  })

  it('putting the right bytes repairs it, even before any read noticed the corruption', async () => {
    const { relay, root, bytes, leaf } = await corruptedRelay(3)
    const put = await fetch(`${relay.url}/api/v1/blocks?cid=${leaf.cid.toString()}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: leaf.bytes })
    expect(put.status).toBe(200)
    const fixed = await cat(relay, root)
    expect(fixed.status).toBe(200)
    expect(Buffer.compare(Buffer.from(fixed.bytes), Buffer.from(bytes))).toBe(0)
  })
})
