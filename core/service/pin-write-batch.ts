import { BaseDatastore } from 'datastore-core'
import { NotFoundError } from 'interface-store'
import { StorageError } from '../errors/index.ts'
import { PIN_PREFIX } from './pin-records.ts'
import { Key } from 'interface-datastore'
import { base36 } from 'multiformats/bases/base36'
import { equals } from 'multiformats/bytes'
import type { AbortOptions } from '../abort.ts'
import type { Batch, Datastore, KeyQuery, Query } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

/** Where Helia keeps one record per pinned block (`/pinned-block/<base36 multihash>`: its pin count and pinners). */
export const PINNED_BLOCK_PREFIX = '/pinned-block/'

/** What {@link PinWriteBatch.run} hands its work to, and how a datastore offers it. */
export interface PinWriteBatch {
  /**
   * Run `task` with the pin records it writes held in memory, then commit them: the records of the pinned blocks
   * first, the pin record last. When `task` throws nothing it wrote is kept.
   */
  run: <T>(task: () => Promise<T>, options?: AbortOptions) => Promise<T>
  /**
   * Inside {@link run}: start reading the records of blocks the pin will reach soon, all at once, so its reads of
   * them, one after the other, find them in memory. Outside it, does nothing.
   */
  readAhead: (cids: Iterable<CID>) => void
}

/** The key of a block's pin record, as Helia's pins write it: the multihash in base36, so all CIDs of a block share it. */
export function pinnedBlockKey (cid: CID): Key {
  return new Key(`${PINNED_BLOCK_PREFIX}${base36.encode(cid.multihash.bytes)}`)
}

const NOT_HELD = Symbol('not held')

type Pending = { key: Key, value: Uint8Array } | { key: Key, value: undefined }

/**
 * Block records a run holds at most; past it they are committed as they come, in batches of this many: a pin of a
 * 16 GiB DAG of 1 MiB leaves holds about 10 MB of records, a bigger one no more.
 */
export const MAX_HELD_BLOCK_RECORDS = 16_384

/**
 * A datastore under Helia that can hold one pin's writes and commit them as batches.
 *
 * Helia's `pins.add` reads and writes one `/pinned-block/` record per block of the DAG, one after the other. In a
 * browser each is its own IndexedDB transaction (the pin of a 64 MiB add cost 100–200 ms of them); on the relay each
 * write is a file written and renamed in turn. Inside {@link run}, writes of pin records (`/pin/`, `/pinned-block/`)
 * go to memory and reads see them; at the end they are committed with the store's `batch()` (one IndexedDB
 * transaction; parallel file writes), the blocks' records before the pin's. So a pin is recorded only after
 * everything it protects is, as when Helia writes them in turn.
 *
 * A pin that fails or is aborted before its commit leaves no block counted as pinned by it (Helia writing one by one
 * left the counts of the blocks it had reached, which kept them from every collection), except the records of a DAG
 * above {@link MAX_HELD_BLOCK_RECORDS} blocks already committed in batches. Once the commit has started it finishes
 * whatever the pin's signal says. A crash in the middle of it (or a failed file write on the relay, where a batch is
 * not atomic) can leave block counts without their pin record, as before: never a pin record whose blocks are not all
 * counted. Pinning the CID again puts it right.
 *
 * Other keys (the peer key, peer records, the registry) pass straight through, as do all writes outside `run`. One
 * `run` at a time: a second waits for the first to commit. The held writes belong to the datastore, not to the task:
 * while one runs, other readers of pin records see its writes, and a pin change made around the service (through
 * `helia.pins` directly) would join its batch. The service serialises its pin changes; nothing else should make them.
 */
export class PinBatchingDatastore extends BaseDatastore implements PinWriteBatch {
  private pending: Map<string, Pending> | undefined
  /** Records read ahead in the running batch: their stored value, or undefined when there is none. */
  private readAheads: Map<string, Promise<Uint8Array | undefined>> | undefined
  private tail: Promise<unknown> = Promise.resolve()

  private readonly store: Datastore

  /** @param store - where the records live; every call is passed to it outside a batch */
  constructor (store: Datastore) {
    super()
    this.store = store
  }

  async run<T> (task: () => Promise<T>, options?: AbortOptions): Promise<T> {
    const start = this.tail.then(() => {}, () => {})
    const current = start.then(async () => {
      const pending = new Map<string, Pending>()
      this.pending = pending
      this.readAheads = new Map()
      try {
        const result = await task()
        // the last moment to stop: a commit cut in two would keep the blocks' records and lose the pin's
        options?.signal?.throwIfAborted()
        await this.commit(pending)
        return result
      } finally {
        this.pending = undefined
        this.readAheads = undefined
      }
    })
    this.tail = current.catch(() => {})
    return await current
  }

  readAhead (cids: Iterable<CID>): void {
    const reads = this.readAheads
    if (reads === undefined) return
    for (const cid of cids) {
      const key = pinnedBlockKey(cid)
      const name = key.toString()
      if (reads.has(name)) continue
      // readStored is async: a store that throws before returning a promise (the memory datastore does) rejects it
      const read = this.readStored(key)
      read.catch(() => {}) // a failed read ahead fails the get that uses it; one never used is dropped
      reads.set(name, read)
    }
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const held = this.heldFor(key)
    if (held === undefined) return await this.store.put(key, value, options)
    options?.signal?.throwIfAborted()
    const name = key.toString()
    held.set(name, { key, value })
    this.readAheads?.delete(name)
    if (held.size > MAX_HELD_BLOCK_RECORDS) await this.commitHeldBlocks(held)
    return key
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const value = await this.heldValue(key, options)
    if (value === NOT_HELD) return await this.store.get(key, options)
    if (value === undefined) throw new NotFoundError(`${key.toString()} is not stored`)
    return value
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    const value = await this.heldValue(key, options)
    if (value === NOT_HELD) return await this.store.has(key, options)
    return value !== undefined
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    const held = this.heldFor(key)
    if (held === undefined) { await this.store.delete(key, options); return }
    const name = key.toString()
    held.set(name, { key, value: undefined })
    this.readAheads?.delete(name)
  }

  /** The store's own batch: not held, committed when its caller commits it. */
  override batch (): Batch {
    return this.store.batch()
  }

  /** Queries read the store: pin records held by a running batch are not listed until it commits. */
  override query (q: Query, options?: AbortOptions): ReturnType<Datastore['query']> {
    return this.store.query(q, options)
  }

  /** As {@link query}. */
  override queryKeys (q: KeyQuery, options?: AbortOptions): ReturnType<Datastore['queryKeys']> {
    return this.store.queryKeys(q, options)
  }

  /** A pin record's value as the running batch knows it (written, deleted or read ahead), or {@link NOT_HELD}. */
  private async heldValue (key: Key, options?: AbortOptions): Promise<Uint8Array | undefined | typeof NOT_HELD> {
    const name = key.toString()
    const entry = this.heldFor(key)?.get(name)
    if (entry !== undefined) return entry.value
    const read = this.readAheads?.get(name)
    if (read === undefined) return NOT_HELD
    this.readAheads?.delete(name) // used once: a write follows, or the next read asks the store
    options?.signal?.throwIfAborted()
    return await read
  }

  private heldFor (key: Key): Map<string, Pending> | undefined {
    if (this.pending === undefined) return undefined
    const name = key.toString()
    return name.startsWith(PINNED_BLOCK_PREFIX) || name.startsWith(PIN_PREFIX) ? this.pending : undefined
  }

  private async commit (pending: Map<string, Pending>): Promise<void> {
    await this.commitHeldBlocks(pending)
    await this.commitStep([...pending.values()])
  }

  /** Commit the held block records (everything but the pin record) and stop holding them. */
  private async commitHeldBlocks (pending: Map<string, Pending>): Promise<void> {
    const blocks = [...pending.values()].filter(entry => !entry.key.toString().startsWith(PIN_PREFIX))
    await this.commitStep(blocks)
    for (const entry of blocks) pending.delete(entry.key.toString())
  }

  /**
   * One batch of the store, without a signal (a commit is not abandoned half way). datastore-idb's batch aborts its
   * transaction on a failure and resolves all the same, so the step's last write is read back and compared: one
   * IndexedDB transaction lands whole or not at all, and every write of a pin changes its record's bytes.
   */
  private async commitStep (entries: Pending[]): Promise<void> {
    const last = entries.at(-1)
    if (last === undefined) return
    const batch = this.store.batch()
    for (const entry of entries) {
      if (entry.value === undefined) batch.delete(entry.key)
      else batch.put(entry.key, entry.value)
    }
    await batch.commit()
    const landed = await this.readStored(last.key)
    if (landed === undefined ? last.value !== undefined : last.value === undefined || !equals(landed, last.value)) {
      throw new StorageError(`the pin records could not be written (${last.key.toString()} did not land)`)
    }
  }

  /** A record's stored bytes, or undefined when there is none. */
  private async readStored (key: Key): Promise<Uint8Array | undefined> {
    try {
      return await this.store.get(key)
    } catch (err) {
      if (err instanceof Error && err.name === 'NotFoundError') return undefined
      throw err
    }
  }
}
