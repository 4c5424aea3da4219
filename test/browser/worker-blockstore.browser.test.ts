/**
 * The storage worker's blockstore, in Chromium with a real Worker and IndexedDB behind comlink.
 */
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerBlockstore } from '../../app/worker/worker-blockstore.ts'
import { collectBlock } from '../../core/blocks/bytes.ts'

const MiB = 1_048_576
const stores: WorkerBlockstore[] = []

/** An ArrayBuffer a message carried, and its size then (a transferred buffer is detached, of size 0, afterwards). */
interface Carried {
  buffer: ArrayBuffer
  size: number
}

/** A real storage worker whose messages are recorded: the ArrayBuffers each one sent, and each one received, carries. */
function recordingWorker (): { worker: Worker, buffers: Carried[], received: Carried[] } {
  const worker = new Worker(new URL('../../app/worker/storage-worker.ts', import.meta.url), { type: 'module' })
  const buffers: Carried[] = []
  const received: Carried[] = []
  const post = worker.postMessage.bind(worker)
  const collect = (value: unknown, seen: Set<unknown>): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) { buffers.push({ buffer: value.buffer as ArrayBuffer, size: value.buffer.byteLength }); return }
    for (const item of Object.values(value)) collect(item, seen)
  }
  worker.postMessage = (message: unknown, options?: StructuredSerializeOptions | Transferable[]) => {
    collect(message, new Set())
    post(message, options as StructuredSerializeOptions)
  }
  worker.addEventListener('message', event => {
    const before = buffers.length
    collect(event.data, new Set())
    received.push(...buffers.splice(before))
  })
  return { worker, buffers, received }
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map(async store => store.close()))
})

describe('WorkerBlockstore', () => {
  it('sends a block that is a view into a large file as just its own bytes, and leaves the caller\'s buffer intact', async () => {
    const { worker, buffers } = recordingWorker()
    const store = new WorkerBlockstore(worker, `ipfs-kit-worker-test-${crypto.randomUUID()}`)
    stores.push(store)
    await store.open()
    const file = new Uint8Array(16 * MiB)
    crypto.getRandomValues(file.subarray(5 * MiB, 5 * MiB + 65_536))
    const leaf = file.subarray(5 * MiB, 6 * MiB)
    const cid = CID.createV1(raw.code, await sha256.digest(leaf))

    await store.put(cid, leaf)

    // postMessage clones a view's whole buffer: sending the 16 MiB file per 1 MiB leaf made adds 10× slower
    expect(buffers.length).toBeGreaterThan(0)
    expect(Math.max(...buffers.map(b => b.size))).toBeLessThanOrEqual(MiB)
    expect(file.byteLength).toBe(16 * MiB)
    expect(leaf.byteLength).toBe(MiB)
    expect(await collectBlock(store.get(cid))).toEqual(leaf)
  })

  it('sends a 1 MiB block as two 512 KiB parts and reuses the buffers the worker sends back', async () => {
    const { worker, buffers, received } = recordingWorker()
    const store = new WorkerBlockstore(worker, `ipfs-kit-worker-test-${crypto.randomUUID()}`)
    stores.push(store)
    await store.open()
    const blocks = await Promise.all([1, 2].map(async fill => {
      const bytes = new Uint8Array(MiB).fill(fill)
      return { bytes, cid: CID.createV1(raw.code, await sha256.digest(bytes)) }
    }))

    const [first, second] = blocks
    if (first === undefined || second === undefined) throw new Error('two blocks')
    await store.put(first.cid, first.bytes)
    const firstSent = buffers.splice(0)
    expect(firstSent.map(b => b.size).filter(size => size > 100)).toEqual([MiB / 2, MiB / 2])
    const cameBack = received.filter(b => b.size === MiB / 2).map(b => b.buffer)
    expect(cameBack).toHaveLength(2)

    await store.put(second.cid, second.bytes)
    const secondSent = buffers.filter(b => b.size === MiB / 2)
    expect(secondSent).toHaveLength(2)
    expect(secondSent.every(b => cameBack.includes(b.buffer))).toBe(true)

    for (const { cid, bytes } of blocks) {
      const read = await collectBlock(store.get(cid))
      expect(read.byteLength).toBe(MiB)
      expect(read.every((b, i) => b === bytes[i])).toBe(true)
    }
  })

  it('hands mayRewrite to the worker: has answers at once while a write commits there, truly once idle', async () => {
    const store = new WorkerBlockstore(new Worker(new URL('../../app/worker/storage-worker.ts', import.meta.url), { type: 'module' }), `ipfs-kit-worker-test-${crypto.randomUUID()}`)
    stores.push(store)
    await store.open()
    const block = async (fill: number, size: number): Promise<{ cid: CID, bytes: Uint8Array }> => {
      const bytes = new Uint8Array(size).fill(fill)
      return { bytes, cid: CID.createV1(raw.code, await sha256.digest(bytes)) }
    }
    const stored = await block(255, 1024)
    await store.put(stored.cid, stored.bytes)
    const busy = await Promise.all(Array.from({ length: 32 }, async (_, i) => block(i, MiB / 4)))

    const order: string[] = []
    const writing = Promise.all(busy.map(async b => store.put(b.cid, b.bytes))).then(() => { order.push('written') })
    // microtasks only: every put has posted its message, and the has below is posted after them; the worker takes
    // the first put into a transaction before it reads the next message
    for (let i = 0; i < 50; i++) await Promise.resolve()
    const quick = store.has(stored.cid, { mayRewrite: true }).then(answer => { order.push('quick'); return answer })
    expect(await quick).toBe(false)
    await writing
    expect(order).toEqual(['quick', 'written'])
    expect(await store.has(stored.cid, { mayRewrite: true })).toBe(true)
    expect(await store.has(stored.cid)).toBe(true)
  })
})
