/**
 * Page side of ipfs-kit's own add over IndexedDB, bundled separately from `idb-page.ts` so the IndexedDB
 * measurements still build when the content layer does not.
 */
import { IdbBlockstore } from '../../app/blocks/idb-blockstore.ts'
import { createWorkerLeafHasher, type WorkerLeafHasher } from '../../app/content/worker-leaf-hasher.ts'
import { WorkerBlockstore } from '../../app/worker/worker-blockstore.ts'
import { createContentStore, type AddOptions } from '../../core/content/index.ts'
import { randomBytes, type AddInput, type PageTiming } from './page-data.ts'

/** Options of {@link contentAdd}. */
export interface ContentAddOptions {
  sizeMiB: number
  input: AddInput
  /** Leaf size; default is the content store's (1 MiB). */
  chunkSize?: number
  /** Hash leaves in workers, as the browser node does (default false: on the page's main thread). */
  hashWorkers?: boolean
  /** Leaf writes in flight (default: the content store's). */
  blockWriteConcurrency?: number
  /** Where IndexedDB runs: on the page (default) or in the storage worker, as a browser node with `storageWorker`. */
  storage?: 'page' | 'worker'
}

/** The page's hashing workers, started once (as the browser node keeps them for its life). */
let workers: WorkerLeafHasher | undefined

/** `createContentStore({ blockstore: new IdbBlockstore(...) }).add(...)` of `sizeMiB` random bytes. */
export async function contentAdd (options: ContentAddOptions): Promise<PageTiming> {
  const bytes = randomBytes(options.sizeMiB)
  const source = options.input === 'blob' ? new Blob([bytes]) : bytes
  const name = `bench-content-${crypto.randomUUID()}`
  const store = options.storage === 'worker' ? new WorkerBlockstore(new Worker('/storage-worker.js', { type: 'module' }), name) : new IdbBlockstore(name)
  await store.open()
  const addOptions: AddOptions = {
    ...(options.chunkSize === undefined ? {} : { chunker: { type: 'fixed', size: options.chunkSize } }),
    ...(options.blockWriteConcurrency === undefined ? {} : { blockWriteConcurrency: options.blockWriteConcurrency })
  }
  try {
    const start = performance.now()
    // as the browser node builds it over its own IndexedDB store (create-browser-node.ts)
    if (options.hashWorkers === true) workers ??= createWorkerLeafHasher({ spawn: () => new Worker('/hash-worker.js', { type: 'module' }) })
    const leafHasher = options.hashWorkers === true ? workers?.hash : undefined
    await createContentStore({ blockstore: store, reuseLeafBuffers: true, ...(leafHasher === undefined ? {} : { leafHasher }) }).add(source, addOptions)
    return { ms: performance.now() - start, bytes: bytes.byteLength }
  } finally {
    if (store instanceof IdbBlockstore) await store.destroy()
    else {
      await store.close()
      await new IdbBlockstore(name).destroy()
    }
  }
}

Object.assign(globalThis, { contentBench: { contentAdd } })
