/**
 * Adds whose leaves are hashed in real hashing workers (Chromium): the same CIDs as hashing on the page, the
 * caller's bytes never moved, and a closed pool hashes on the page while a failed worker fails the add.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { IdbBlockstore } from '../../app/blocks/idb-blockstore.ts'
import { createWorkerLeafHasher, type WorkerLeafHasher } from '../../app/content/worker-leaf-hasher.ts'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { createContentStore } from '../../core/content/index.ts'
import { MemoryBlockstore } from '../../core/blocks/index.ts'

const MiB = 1_048_576
const hashers: WorkerLeafHasher[] = []
const stores: IdbBlockstore[] = []

function spawnCounting (): { spawn: () => Worker, posted: () => number } {
  let posted = 0
  return {
    posted: () => posted,
    spawn: () => {
      const worker = new Worker(new URL('../../app/worker/hash-worker.ts', import.meta.url), { type: 'module' })
      const post = worker.postMessage.bind(worker)
      worker.postMessage = (message: unknown, options?: StructuredSerializeOptions | Transferable[]) => {
        posted++
        post(message, options as StructuredSerializeOptions)
      }
      return worker
    }
  }
}

function pseudoRandom (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24 }
  return out
}

/** Index of the first differing byte, or -1 (vitest's deep equality walks megabytes for seconds in a browser). */
function firstDifference (a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i
  return -1
}

afterEach(async () => {
  for (const hasher of hashers.splice(0)) hasher.close()
  await Promise.all(stores.splice(0).map(async store => store.destroy()))
})

describe('createWorkerLeafHasher', () => {
  it('adds with the same CIDs as hashing on the page, moving only leaf buffers the add made, and the caller\'s bytes stay whole', async () => {
    const counting = spawnCounting()
    const hasher = createWorkerLeafHasher({ spawn: counting.spawn, workers: 2 })
    hashers.push(hasher)
    const store = new IdbBlockstore(`ipfs-kit-hash-test-${crypto.randomUUID()}`)
    stores.push(store)
    await store.open()
    const bytes = pseudoRandom(5 * MiB + 12_345, 7)
    const copy = bytes.slice()
    const inWorkers = await createContentStore({ blockstore: store, reuseLeafBuffers: true, leafHasher: hasher.hash }).add(bytes)
    const onPage = await createContentStore({ blockstore: new MemoryBlockstore() }).add(copy)
    expect(inWorkers.cid.toString()).toBe(onPage.cid.toString())
    // five whole leaves went to the workers; the short tail (a copy of its own size) was hashed on the page
    expect(counting.posted()).toBe(5)
    expect(bytes.byteLength).toBe(copy.byteLength)
    expect(firstDifference(bytes, copy)).toBe(-1)
    // and every block came back intact to the store: the file reads back whole
    const content = createContentStore({ blockstore: store })
    const chunks: Uint8Array[] = []
    for await (const chunk of content.cat(inWorkers.cid)) chunks.push(chunk)
    expect(firstDifference(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()), copy)).toBe(-1)
  })

  it('never moves a caller\'s array that is a whole leaf (a 1 MiB file passed through uncopied)', async () => {
    const counting = spawnCounting()
    const hasher = createWorkerLeafHasher({ spawn: counting.spawn })
    hashers.push(hasher)
    const bytes = pseudoRandom(MiB, 3)
    const added = await createContentStore({ blockstore: new MemoryBlockstore(), reuseLeafBuffers: true, leafHasher: hasher.hash }).add(bytes)
    expect(counting.posted()).toBe(0)
    expect(bytes.byteLength).toBe(MiB)
    const onPage = await createContentStore({ blockstore: new MemoryBlockstore() }).add(bytes.slice())
    expect(added.cid.toString()).toBe(onPage.cid.toString())
  })

  it('hashes on the page once closed, and fails the add (nothing acknowledged) when a worker dies mid-leaf', async () => {
    const closed = createWorkerLeafHasher({ spawn: spawnCounting().spawn })
    closed.close()
    const blockstore = new MemoryBlockstore()
    const fine = await createContentStore({ blockstore, reuseLeafBuffers: true, leafHasher: closed.hash }).add(pseudoRandom(3 * MiB, 5))
    expect(await collectBlock(blockstore.get(fine.cid))).toBeInstanceOf(Uint8Array)
    // a worker that never answers and then errors: its pending leaves fail, the add rejects
    const broken = createWorkerLeafHasher({
      workers: 1,
      spawn: () => new Worker(URL.createObjectURL(new Blob(['self.onmessage = () => { setTimeout(() => { throw new Error("boom") }, 10) }'], { type: 'text/javascript' })))
    })
    hashers.push(broken)
    await expect(createContentStore({ blockstore: new MemoryBlockstore(), reuseLeafBuffers: true, leafHasher: broken.hash }).add(pseudoRandom(3 * MiB, 6))).rejects.toThrow(/leaf hashing worker failed/)
  })
})
