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
import { deleteDatabase, openDatabase, requestResult, storageError, transactionDone } from './idb-requests.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'

const STORE = 'blocks'

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
 * as a `Uint8Array` that owns its buffer (storing the `ArrayBuffer` instead measured no faster). Writes go through a {@link GroupCommitQueue}: a `put` resolves only once the transaction
 * holding it has completed, and a failed transaction (e.g. `QuotaExceededError`) rejects every write in its batch
 * with `StorageError` and writes none of them.
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
    const db = await openDatabase(this.name, STORE)
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
  }

  /** Close and delete the whole database. */
  async destroy (): Promise<void> {
    await this.close()
    await deleteDatabase(this.name)
  }

  /** Whether a block with this CID's multihash is stored. */
  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    const key = await requestResult(this.readStore().getKey(multihashKey(cid)))
    return key !== undefined
  }

  /**
   * Store a block. Resolves once the transaction holding it (shared with concurrent puts) has completed; rejects
   * with `StorageError` if that transaction fails. An abort while still queued withdraws the write.
   */
  async put (cid: CID, input: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const bytes = await collectBlock(input)
    this.assertOpen()
    await this.writes.enqueue({ kind: 'put', key: multihashKey(cid), value: ownBuffer(bytes) }, options?.signal)
    return cid
  }

  /** Store blocks, many per transaction; yields each CID, in input order, once it is committed. */
  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    yield * this.pipelined(source, async ({ cid, bytes }) => this.put(cid, bytes, options), options)
  }

  /** The block's bytes as one chunk; `NotFoundError` if absent. */
  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const value: unknown = await requestResult(this.readStore().get(multihashKey(cid)))
    options?.signal?.throwIfAborted()
    if (!(value instanceof Uint8Array)) throw new NotFoundError(`block ${cid.toString()} not found`)
    yield value
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
      const store = this.readStore()
      const [keys, values] = await Promise.all([
        requestResult(store.getAllKeys(range, this.pageSize)),
        requestResult(store.getAll(range, this.pageSize))
      ])
      for (const [i, key] of keys.entries()) {
        const value: unknown = values[i]
        if (typeof key !== 'string' || !(value instanceof Uint8Array)) continue
        options?.signal?.throwIfAborted()
        yield { cid: CID.createV1(raw.code, Digest.decode(base32.decode(key))), bytes: singleChunkAsync(value) }
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

  private async commit (ops: WriteOp[]): Promise<void> {
    const tx = this.database().transaction(STORE, 'readwrite', { durability: this.durability })
    const done = transactionDone(tx)
    try {
      const store = tx.objectStore(STORE)
      for (const op of ops) {
        if (op.kind === 'put') store.put(op.value, op.key)
        else store.delete(op.key)
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

  private readStore (): IDBObjectStore {
    const db = this.database()
    try {
      return db.transaction(STORE, 'readonly').objectStore(STORE)
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

/** Take the oldest pending write (callers check that there is one). */
async function oldest (pending: Array<Promise<CID>>): Promise<CID> {
  const next = pending.shift()
  if (next === undefined) throw new Error('no write pending')
  return next
}

/**
 * IndexedDB's structured clone copies a view's whole underlying buffer, so a block that is a slice of a larger
 * buffer (as chunkers produce) is copied out first; a block that owns its buffer is stored as is.
 */
function ownBuffer (bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}
