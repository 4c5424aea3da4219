import { CarBlockIterator, CarWriter } from '@ipld/car'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/memory.ts'
import { createContentStore } from '../../core/content/content-store.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

interface Block { cid: CID, bytes: Uint8Array }

/** The blocks of a file added with the default profile (several leaves), its root and its CAR. */
async function fileBlocks (seed: number): Promise<{ root: CID, blocks: Block[], bytes: Uint8Array }> {
  const content = createContentStore({ blockstore: new MemoryBlockstore() })
  const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31 + seed * 7) % 251)
  const { cid } = await content.add(bytes)
  const iterator = await CarBlockIterator.fromIterable(content.exportCar(cid))
  const blocks: Block[] = []
  for await (const block of iterator) blocks.push(block)
  return { root: cid, blocks, bytes }
}

/** A CAR of `blocks` under `root`, as chunks. */
async function carOf (root: CID, blocks: Block[]): Promise<Uint8Array[]> {
  const { writer, out } = CarWriter.create([root])
  const chunks: Uint8Array[] = []
  const collecting = (async () => { for await (const chunk of out) chunks.push(chunk) })()
  for (const block of blocks) await writer.put(block)
  await writer.close()
  await collecting
  return chunks
}

async function rawBlock (text: string): Promise<Block> {
  const bytes = new TextEncoder().encode(text)
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

async function importCar (relay: TestRelay, body: BodyInit): Promise<Response> {
  return await fetch(`${relay.url}/api/v1/car`, { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body, duplex: 'half' } as RequestInit)
}

describe('CAR imports never delete blocks another upload keeps', () => {
  let relay: TestRelay
  beforeAll(async () => { relay = await startTestRelay() })
  afterAll(async () => { await relay?.destroy() })

  it('keeps import A readable when import B (A\'s blocks plus a corrupt one) fails while A lands', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await fileBlocks(round)
      const unique = await rawBlock(`only in B, round ${round}`)
      const corrupt = { cid: (await rawBlock(`what the CID promises ${round}`)).cid, bytes: new TextEncoder().encode('other bytes') }
      const aCar = await carOf(a.root, a.blocks)
      const bCar = await carOf(a.root, [...a.blocks, unique, corrupt])
      // B streams everything but its last chunk (the corrupt block), waits for A to be answered, then finishes
      const bHead = bCar.slice(0, -1)
      const bTail = bCar.at(-1) ?? new Uint8Array(0)
      let release: () => void = () => {}
      const released = new Promise<void>(resolve => { release = resolve })
      const bBody = new ReadableStream<Uint8Array>({
        async start (controller) {
          for (const chunk of bHead) controller.enqueue(chunk)
          await released
          controller.enqueue(bTail)
          controller.close()
        }
      })
      const bAnswer = importCar(relay, bBody)
      await new Promise(resolve => setTimeout(resolve, 150))
      const aAnswer = await importCar(relay, new Blob(aCar as BlobPart[]))
      expect(aAnswer.status).toBe(200)
      release()
      const b = await bAnswer
      expect(b.status).toBe(400)
      expect(await b.json()).toMatchObject({ code: 'ERR_CID_MISMATCH' })

      const cat = await fetch(`${relay.url}/api/v1/cat/${a.root.toString()}`)
      expect(cat.status).toBe(200)
      expect(Buffer.compare(Buffer.from(await cat.arrayBuffer()), Buffer.from(a.bytes))).toBe(0)
      expect((await fetch(`${relay.url}/api/v1/stat/${a.root.toString()}?dagSize=true`)).status).toBe(200)
      // the failed import wrote nothing: not even its one block nobody else has
      expect(await relay.node.blockstore.has(unique.cid)).toBe(false)
    }
  }, 120_000)

  it('writes nothing for a CAR whose last block is corrupt', async () => {
    const good = await rawBlock('good block before a corrupt one')
    const corrupt = { cid: (await rawBlock('promised')).cid, bytes: new TextEncoder().encode('delivered') }
    const res = await importCar(relay, new Blob(await carOf(good.cid, [good, corrupt]) as BlobPart[]))
    expect(res.status).toBe(400)
    expect(await relay.node.blockstore.has(good.cid)).toBe(false)
  })
})
