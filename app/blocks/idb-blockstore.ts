/**
 * An IndexedDB blockstore for the browser (main thread or worker) that writes with group commit: concurrent
 * `put`s share one readwrite transaction instead of paying for one each.
 */
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { multihashKey } from '../../core/blocks/block-key.ts'
import { collectBlock, singleChunkAsync } from '../../core/blocks/bytes.ts'
import { NotFoundError, StoreClosedError } from '../../core/errors/index.ts'
import { GroupCommitQueue, type GroupCommitLimits, type WriteOp } from './group-commit.ts'
import { BLOCKS_DB_VERSION, BLOCKS_STORE, PARTS_STORE, blockRecords, isSplitRecord, partKey, partRange } from './idb-records.ts'
import { PartBuffers } from './part-buffers.ts'
import { deleteDatabase, openDatabase, requestResult, storageError, transactionDone } from './idb-requests.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { RewriteOptions } from '../../core/blocks/put-options.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'

/** Options for {@link IdbBlockstore}. */
export interface IdbBlockstoreInit extends GroupCommitLimits {
  /**
   * Durability hint for write transactions (default `'relaxed'`): the transaction completes once the browser's
   * storage process has the data, without waiting for an fsync. A crashed tab loses nothing acknowledged (the
   * data is already outside the renderer); only an OS crash or power loss can lose the last moments of writes.
   * `'strict'` waits for the disk. Measured with `bench/browser/idb-add.ts --variants --disk` (64 MiB, 256 KiB
   * blocks, 16 concurrent puts, medians of 5 on a 2-core VM): relaxed 52, default 50, strict 43 MB/s, with
   * ±30% between runs, so group commit makes strict nearly free; relaxed stays the default as the fastest.
   */
  durability?: IDBTransactionDurability
  /** Blocks fetched per read transaction by `getAll` (default 32). */
  pageSize?: number
}

/**
 * A `Blockstore` on IndexedDB. Blocks live in one object store keyed by the base32 multihash (like every
 * js-stores blockstore, so a block is found whatever CID version or codec names it); values are the block bytes
 * as a `Uint8Array` that owns its buffer (storing the `ArrayBuffer` instead measured no faster). A block above
 * 512 KiB is stored as parts in a second object store, in the same transaction (`idb-records.ts` says why).
 * Writes go through a {@link GroupCommitQueue}: a `put` resolves only once the transaction holding it has
 * completed, and a failed transaction (e.g. `QuotaExceededError`) rejects every write in its batch with
 * `StorageError` and writes none of them.
 *
 * @example
 * ```ts
 * const store = new IdbBlockstore('ipfs-kit-blocks')
 * await store.open()
 * await Promise.all(blocks.map(({ cid, bytes }) => store.put(cid, bytes))) // a few transactions, not one each
 * await store.close()
 * ```
 */
export class IdbBlockstore implements Blockstore {
  /** The IndexedDB database name. */
  readonly name: string
  private readonly durability: IDBTransactionDurability
  private readonly pageSize: number
  private readonly writes: GroupCommitQueue
  private readonly window: number
  /** Buffers the parts of blocks handed over whole are cut into (see `part-buffers.ts`). */
  private readonly partBuffers = new PartBuffers({ maxIdleBytes: 4 * 1024 * 1024 })
  private db: IDBDatabase | undefined

  constructor (name: string, init: IdbBlockstoreInit = {}) {
    this.name = name
    this.durability = init.durability ?? 'relaxed'
    this.pageSize = init.pageSize ?? 32
    this.writes = new GroupCommitQueue(async ops => this.commit(ops), init)
    this.window = 2 * (init.maxOps ?? 64)
  }

  /**
   * Open (creating if needed) the database. Rejects with `StoreClosedError` if IndexedDB refuses. If another
   * connection deletes or upgrades the database, this one closes itself rather than block it.
   */
  async open (): Promise<void> {
    if (this.db !== undefined) return
    const db = await openDatabase(this.name, [BLOCKS_STORE, PARTS_STORE], BLOCKS_DB_VERSION)
    db.onversionchange = () => {
      db.close()
      if (this.db === db) this.db = undefined
    }
    this.db = db
  }

  /** Wait for queued writes to settle, then close the connection. Later calls reject with `StoreClosedError`. */
  async close (): Promise<void> {
    await this.writes.idle()
    this.db?.close()
    this.db = undefined
    this.partBuffers.release()
  }

  /** Close and delete the whole database. */
  async destroy (): Promise<void> {
    await this.close()
    await deleteDatabase(this.name)
  }

  /**
   * Whether a block with this CID's multihash is stored. With `mayRewrite`, false at once while a write transaction
   * is in flight (IndexedDB would start the read only after it): the caller only wants to skip a redundant write.
   */
  async has (cid: CID, options?: RewriteOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    if (options?.mayRewrite === true && this.writes.busy) return false
    const key = await requestResult(this.readTransaction().objectStore(BLOCKS_STORE).getKey(multihashKey(cid)))
    return key !== undefined
  }

  /**
   * Store a block. Resolves once the transaction holding it (shared with concurrent puts) has completed; rejects
   * with `StorageError` if that transaction fails. An abort while still queued withdraws the write.
   */
  async put (cid: CID, input: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const chunks = await collectChunks(input)
    this.assertOpen()
    await this.writes.enqueue({ kind: 'put', key: multihashKey(cid), chunks }, options?.signal)
    return cid
  }

  /** Store blocks, many per transaction; yields each CID, in input order, once it is committed. */
  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    yield * this.pipelined(source, async ({ cid, bytes }) => this.put(cid, bytes, options), options)
  }

  /** The block's bytes (one chunk, or one per part of a block stored in parts); `NotFoundError` if absent. */
  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const chunks = await this.read(cid, multihashKey(cid), this.readTransaction())
    options?.signal?.throwIfAborted()
    yield * chunks
  }

  /** Each block in turn, as `{ cid, bytes }`; `NotFoundError` at the first absent one. */
  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    for await (const cid of source) {
      const bytes = await collectBlock(this.get(cid, options))
      yield { cid, bytes: singleChunkAsync(bytes) }
    }
  }

  /** Every stored block, read `pageSize` at a time, as CIDv1 raw CIDs rebuilt from the stored multihashes. */
  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    let after: string | undefined
    while (true) {
      const range = after === undefined ? null : IDBKeyRange.lowerBound(after, true)
      const tx = this.readTransaction()
      const store = tx.objectStore(BLOCKS_STORE)
      const [keys, values] = await Promise.all([
        requestResult(store.getAllKeys(range, this.pageSize)),
        requestResult(store.getAll(range, this.pageSize))
      ])
      for (const [i, key] of keys.entries()) {
        const value: unknown = values[i]
        if (typeof key !== 'string') continue
        options?.signal?.throwIfAborted()
        const cid = CID.createV1(raw.code, Digest.decode(base32.decode(key)))
        if (value instanceof Uint8Array) yield { cid, bytes: singleChunkAsync(value) }
        else if (isSplitRecord(value)) yield { cid, bytes: chunksAsync(await this.read(cid, key, this.readTransaction())) }
      }
      const last = keys.at(-1)
      if (keys.length < this.pageSize || typeof last !== 'string') return
      after = last
    }
  }

  /** Remove a block (no error if absent); shares transactions with concurrent writes. */
  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.assertOpen()
    await this.writes.enqueue({ kind: 'delete', key: multihashKey(cid) }, options?.signal)
  }

  /** Remove blocks, many per transaction; yields each CID once its removal is committed. */
  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    yield * this.pipelined(source, async cid => { await this.delete(cid, options); return cid }, options)
  }

  /**
   * Start `write` for each item without waiting for the previous one, so the writes share transactions, and
   * yield the results in input order. At most two batches' worth are outstanding at once.
   */
  private async * pipelined<T> (source: Iterable<T> | AsyncIterable<T>, write: (item: T) => Promise<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    const pending: Array<Promise<CID>> = []
    try {
      for await (const item of source) {
        options?.signal?.throwIfAborted()
        const started = write(item)
        started.catch(() => {}) // observed below; avoid an unhandled rejection if we stop early
        pending.push(started)
        while (pending.length >= this.window) yield await oldest(pending)
      }
      while (pending.length > 0) yield await oldest(pending)
    } finally {
      await Promise.allSettled(pending)
    }
  }

  /**
   * The stored chunks of the block under `key`, read in `tx`: the block itself, or its parts in order.
   * `NotFoundError` if absent, or if a part is missing (which a transaction's atomicity should prevent).
   */
  private async read (cid: CID, key: string, tx: IDBTransaction): Promise<Uint8Array[]> {
    const value: unknown = await requestResult(tx.objectStore(BLOCKS_STORE).get(key))
    if (value instanceof Uint8Array) return [value]
    if (!isSplitRecord(value)) throw new NotFoundError(`block ${cid.toString()} not found`)
    // still inside the first request's success, so the same transaction sees the parts as they were with it
    const parts: unknown[] = await requestResult(tx.objectStore(PARTS_STORE).getAll(partRange(key)))
    const chunks = parts.filter((part): part is Uint8Array => part instanceof Uint8Array)
    if (chunks.length !== value.parts || chunks.reduce((n, c) => n + c.byteLength, 0) !== value.size) {
      throw new NotFoundError(`block ${cid.toString()} is missing some of its ${value.parts} parts`)
    }
    return chunks
  }

  private async commit (ops: WriteOp[]): Promise<void> {
    const tx = this.database().transaction([BLOCKS_STORE, PARTS_STORE], 'readwrite', { durability: this.durability })
    const done = transactionDone(tx)
    try {
      const blocks = tx.objectStore(BLOCKS_STORE)
      const parts = tx.objectStore(PARTS_STORE)
      for (const op of ops) {
        if (op.kind === 'put') {
          const records = blockRecords(op.chunks, this.partBuffers)
          blocks.put(records.value, op.key)
          records.parts.forEach((part, index) => parts.put(part, partKey(op.key, index)))
          // put() cloned them: our own copies can carry the next block's parts
          this.partBuffers.give(records.copies)
        } else {
          blocks.delete(op.key)
          parts.delete(partRange(op.key))
        }
      }
      tx.commit()
    } catch (err) {
      done.catch(() => {}) // the synchronous failure is the one to report
      try {
        tx.abort()
      } catch {
        // already aborted by the failure itself
      }
      throw storageError('IndexedDB write failed', err)
    }
    await done
  }

  private readTransaction (): IDBTransaction {
    const db = this.database()
    try {
      return db.transaction([BLOCKS_STORE, PARTS_STORE], 'readonly')
    } catch (err) {
      throw storageError('cannot start an IndexedDB read', err)
    }
  }

  private assertOpen (): void {
    this.database()
  }

  private database (): IDBDatabase {
    if (this.db === undefined) throw new StoreClosedError(`IdbBlockstore "${this.name}" is not open`)
    return this.db
  }
}

/** A put's input as its chunks, in order, without joining them (the records are cut from them at commit). */
async function collectChunks (input: InputPair['bytes']): Promise<Uint8Array[]> {
  if (input instanceof Uint8Array) return [input]
  const chunks: Uint8Array[] = []
  for await (const chunk of input) chunks.push(chunk)
  return chunks
}

async function * chunksAsync (chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield * chunks
}

/** Take the oldest pending write (callers check that there is one). */
async function oldest (pending: Array<Promise<CID>>): Promise<CID> {
  const next = pending.shift()
  if (next === undefined) throw new Error('no write pending')
  return next
}
