import { multihashKey } from './block-key.ts'
import { collectBlock, singleChunkAsync } from './bytes.ts'
import type { AbortOptions } from '../abort.ts'
import type { RewriteOptions } from './put-options.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * Put options that let a put return before its write is durable. Only blocks that can be fetched again may be
 * written so: a block just fetched from a peer and verified, whose reader is waiting for it.
 */
export interface WriteBehindOptions extends RewriteOptions {
  /** Return at once; the write completes behind (default false: return once the backing store has it). */
  writeBehind?: boolean
}

/** Options for {@link WriteBehindBlockstore}. */
export interface WriteBehindBlockstoreInit {
  /**
   * Bytes of blocks written behind at most (default 32 MiB). Beyond it a write-behind put waits for its write, as
   * any put does, so a reader faster than the store cannot fill memory.
   */
  maxPendingBytes?: number
  /** Told of a write behind that failed (the block is not kept; it is fetched again when next wanted). */
  onError?: (err: unknown, cid: CID) => void
}

interface Pending {
  bytes: Uint8Array
  /** Settles when the backing store has the block (resolves false if the write failed). */
  written: Promise<boolean>
}

/**
 * A blockstore that can take a block before its backing store has written it, for the reads that fetch blocks from
 * the network: Helia stores a fetched block before it hands it to the reader, and IndexedDB's write of a 1 MiB block
 * took 100–900 ms on a busy two-core machine, so every read over bitswap waited for a disk write it did not need,
 * and the reader's next wants left that much later.
 *
 * - `get` of a block written behind answers from memory at once.
 * - `has` of one waits for its write, so anything that decides by presence (a pin's walk, a duplicate check) only
 *   sees durable blocks: a crash never leaves a pin whose blocks were only in memory.
 * - `delete` waits for the write, then deletes; `getAll` waits for every write behind.
 * - Every other put, and every put while `maxPendingBytes` are pending, returns only once written, as before.
 *
 * @example
 * ```ts
 * const blocks = new WriteBehindBlockstore(new IdbBlockstore('blocks'))
 * await blocks.put(cid, fetched, { writeBehind: true }) // returns at once
 * await blocks.flush() // every write behind has settled
 * ```
 */
export class WriteBehindBlockstore implements Blockstore {
  /** The store written to. */
  readonly backing: Blockstore
  private readonly pending = new Map<string, Pending>()
  private readonly maxPendingBytes: number
  private readonly onError: (err: unknown, cid: CID) => void
  private pendingBytes = 0

  constructor (backing: Blockstore, init: WriteBehindBlockstoreInit = {}) {
    this.backing = backing
    this.maxPendingBytes = init.maxPendingBytes ?? 32 * 1024 * 1024
    this.onError = init.onError ?? (() => {})
  }

  /** Bytes written behind and not yet in the backing store. */
  get bytesPending (): number {
    return this.pendingBytes
  }

  /** Resolves once every write behind started so far has settled (written or failed). */
  async flush (): Promise<void> {
    await Promise.all([...this.pending.values()].map(async entry => entry.written))
  }

  /** The write behind of this block, if one is pending; no key is made while none is (every local read asks). */
  private pendingFor (cid: CID): Pending | undefined {
    return this.pending.size === 0 ? undefined : this.pending.get(multihashKey(cid))
  }

  /** Whether the block is stored or being written behind; `mayRewrite` is handed to the backing store. */
  async has (cid: CID, options?: RewriteOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    const entry = this.pendingFor(cid)
    if (entry !== undefined && await entry.written) return true
    return this.backing.has(cid, options)
  }

  async put (cid: CID, input: InputPair['bytes'], options?: WriteBehindOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    if (options?.writeBehind !== true) return this.backing.put(cid, input, options)
    const key = multihashKey(cid)
    const bytes = await collectBlock(input)
    if (this.pending.has(key)) return cid
    if (this.pendingBytes + bytes.byteLength > this.maxPendingBytes) {
      return this.backing.put(cid, bytes, { signal: options.signal })
    }
    // the write must not end with the read that started it: no caller signal
    const written = Promise.resolve().then(async () => this.backing.put(cid, bytes)).then(() => true, (err: unknown) => {
      this.onError(err, cid)
      return false
    })
    const entry: Pending = { bytes, written }
    this.pending.set(key, entry)
    this.pendingBytes += bytes.byteLength
    void written.then(() => {
      if (this.pending.get(key) === entry) this.pending.delete(key)
      this.pendingBytes -= bytes.byteLength
    })
    return cid
  }

  putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> | Generator<CID> {
    return this.backing.putMany(source, options)
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const entry = this.pendingFor(cid)
    if (entry !== undefined) {
      yield entry.bytes
      return
    }
    yield * this.backing.get(cid, options)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const cid of source) {
      options?.signal?.throwIfAborted()
      const entry = this.pendingFor(cid)
      if (entry !== undefined) {
        yield { cid, bytes: singleChunkAsync(entry.bytes) }
        continue
      }
      yield * this.backing.getMany([cid], options)
    }
  }

  /** Every block, once the writes behind have settled. */
  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    await this.flush()
    yield * this.backing.getAll(options)
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    await this.pendingFor(cid)?.written
    await this.backing.delete(cid, options)
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    const pendingFor = (cid: CID): Pending | undefined => this.pendingFor(cid)
    const settled = async function * (): AsyncGenerator<CID> {
      for await (const cid of source) {
        await pendingFor(cid)?.written
        yield cid
      }
    }
    yield * this.backing.deleteMany(settled(), options)
  }
}
