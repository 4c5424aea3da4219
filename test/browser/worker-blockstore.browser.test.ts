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

/** A real storage worker whose outgoing messages are recorded (the ArrayBuffers each one carries). */
function recordingWorker (): { worker: Worker, buffers: ArrayBuffer[] } {
  const worker = new Worker(new URL('../../app/worker/storage-worker.ts', import.meta.url), { type: 'module' })
  const buffers: ArrayBuffer[] = []
  const post = worker.postMessage.bind(worker)
  const collect = (value: unknown, seen: Set<unknown>): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) { buffers.push(value.buffer as ArrayBuffer); return }
    for (const item of Object.values(value)) collect(item, seen)
  }
  worker.postMessage = (message: unknown, options?: StructuredSerializeOptions | Transferable[]) => {
    collect(message, new Set())
    post(message, options as StructuredSerializeOptions)
  }
  return { worker, buffers }
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
    expect(Math.max(...buffers.map(b => b.byteLength))).toBeLessThanOrEqual(MiB)
    expect(file.byteLength).toBe(16 * MiB)
    expect(leaf.byteLength).toBe(MiB)
    expect(await collectBlock(store.get(cid))).toEqual(leaf)
  })
})
