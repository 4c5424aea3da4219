import { releaseProxy, transfer, wrap } from 'comlink'
import { CID } from 'multiformats/cid'
import { collectBlock, singleChunkAsync } from '../../core/blocks/bytes.ts'
import { BlockCorruptError, NotFoundError, StorageError } from '../../core/errors/index.ts'
import { PartBuffers } from '../blocks/part-buffers.ts'
import type { BlockStorageApi } from './block-storage-host.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { RewriteOptions } from '../../core/blocks/put-options.ts'
import type { IdbBlockstoreInit } from '../blocks/idb-blockstore.ts'
import type { Remote } from 'comlink'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'

/** Options for {@link WorkerBlockstore}. */
export interface WorkerBlockstoreInit extends IdbBlockstoreInit {
  /** Hash every block put through this store in the worker before keeping it (default false: Helia's bitswap and the importer already derive or check CIDs). */
  verifyPuts?: boolean
  /** Puts sent to the worker at once by `putMany` (default 64: they share IndexedDB transactions there). */
  putWindow?: number
  /** Blocks per message when listing with `getAll` (default 32). */
  pageSize?: number
}

/** Errors lose their class crossing `postMessage`; give the ones callers test for their class and code back. */
function revive (err: unknown): Error {
  if (!(err instanceof Error)) return new StorageError(String(err))
  if (err.name === 'BlockCorruptError') return new BlockCorruptError(err.message)
  if (err.name === 'NotFoundError') return new NotFoundError(err.message)
  if (err.name === 'StorageError') return new StorageError(err.message)
  return err
}

async function oldest (pending: Array<Promise<CID>>): Promise<CID> {
  const first = pending.shift()
  if (first === undefined) throw new Error('no write pending')
  return first
}

async function call<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    throw revive(err)
  }
}

/**
 * A `Blockstore` on the main thread whose blocks live in IndexedDB inside a dedicated worker (`storage-worker.ts`),
 * reached through comlink: IndexedDB transactions, and hashing when `verifyPuts` is on, never run on the UI thread.
 * Block bytes are copied rather than transferred, because callers such as the importer keep using the arrays they
 * put: each block is copied into the parts IndexedDB stores, in buffers the worker transfers back for the next
 * blocks ({@link PartBuffers}), so neither side copies it again into fresh memory.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL('./storage-worker.js', import.meta.url), { type: 'module' })
 * const blockstore = new WorkerBlockstore(worker, 'ipfs-kit-blocks')
 * await blockstore.open()
 * ```
 */
export class WorkerBlockstore implements Blockstore {
  readonly name: string
  private readonly worker: Worker
  private readonly api: Remote<BlockStorageApi>
  private readonly init: WorkerBlockstoreInit
  private readonly parts = new PartBuffers()

  constructor (worker: Worker, name: string, init: WorkerBlockstoreInit = {}) {
    this.worker = worker
    this.name = name
    this.init = init
    this.api = wrap<BlockStorageApi>(worker)
  }

  async open (): Promise<void> {
    const { verifyPuts: _v, putWindow: _w, ...idbInit } = this.init
    await call(async () => this.api.open(this.name, idbInit))
  }

  /** Close the store in the worker, then end the worker. */
  async close (): Promise<void> {
    await call(async () => this.api.close()).catch(() => {})
    this.api[releaseProxy]()
    this.parts.release()
    this.worker.terminate()
  }

  async has (cid: CID, options?: RewriteOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    return call(async () => this.api.has(cid.bytes, options?.mayRewrite === true))
  }

  async put (cid: CID, input: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const bytes = await collectBlock(input)
    // postMessage clones a view's whole ArrayBuffer: a 1 MiB leaf that is a view into a 64 MiB file would copy all
    // 64 MiB per block (adds through the worker ran at 3 MB/s). Copy exactly the block once, and transfer that copy.
    const parts = this.parts.cut(bytes)
    const back = await call(async () => this.api.put(cid.bytes, transfer(parts, parts.map(part => part.buffer)), this.init.verifyPuts ?? false))
    this.parts.give(back)
    return cid
  }

  /** Sends up to `putWindow` puts at once (the worker groups them into shared transactions); yields CIDs in order. */
  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    const window = this.init.putWindow ?? 64
    const pending: Array<Promise<CID>> = []
    try {
      for await (const { cid, bytes } of source) {
        options?.signal?.throwIfAborted()
        const started = this.put(cid, bytes, options)
        started.catch(() => {})
        pending.push(started)
        if (pending.length >= window) yield await oldest(pending)
      }
      while (pending.length > 0) yield await oldest(pending)
    } finally {
      await Promise.allSettled(pending)
    }
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const bytes = await call(async () => this.api.get(cid.bytes))
    if (bytes === undefined) throw new NotFoundError(`block ${cid.toString()} not found`)
    yield bytes
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const cid of source) {
      const bytes = await collectBlock(this.get(cid, options))
      yield { cid, bytes: singleChunkAsync(bytes) }
    }
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    const id = await call(async () => this.api.listBlocks())
    let finished = false
    try {
      while (true) {
        const page = await call(async () => this.api.nextBlocks(id, this.init.pageSize ?? 32))
        if (page.length === 0) {
          finished = true
          return
        }
        for (const block of page) {
          options?.signal?.throwIfAborted()
          yield { cid: CID.decode(block.cid), bytes: singleChunkAsync(block.bytes) }
        }
      }
    } finally {
      if (!finished) await this.api.endListing(id).catch(() => {})
    }
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await call(async () => this.api.delete(cid.bytes))
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    for await (const cid of source) {
      await this.delete(cid, options)
      yield cid
    }
  }
}
