import { multihashKey } from './block-key.ts'
import { collectBlock, singleChunkAsync } from './bytes.ts'
import { ByteBudgetLru } from './lru.ts'
import type { AbortOptions } from '../abort.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Options for {@link TieredBlockstore}. */
export interface TieredBlockstoreInit {
  /** Bytes of recently used blocks kept in memory (default 64 MiB). */
  cacheBytes?: number
  /**
   * Keep written blocks in the cache too (default false: an add of a large file would otherwise churn the whole
   * cache and hold its last 64 MiB in memory; blocks are cached when first read).
   */
  cacheWrites?: boolean
}

/** Cache keys already made, per CID object: a hot CID is one shared object (`parseCid` keeps it), so its key is encoded once. */
const KEYS = new WeakMap<CID, string>()

function keyOf (cid: CID): string {
  let key = KEYS.get(cid)
  if (key === undefined) {
    key = multihashKey(cid)
    KEYS.set(cid, key)
  }
  return key
}

/**
 * A memory LRU tier in front of a slower blockstore. Writes go through to the backing store before they are
 * acknowledged (write-through, so nothing acknowledged lives only in memory); reads are served from memory when
 * they can. Blocks are keyed by multihash, as every blockstore here is.
 *
 * @example
 * ```ts
 * const store = new TieredBlockstore(new IdbBlockstore('blocks'), { cacheBytes: 32 * 1024 * 1024 })
 * ```
 */
export class TieredBlockstore implements Blockstore {
  readonly backing: Blockstore
  private readonly cache: ByteBudgetLru<string, Uint8Array>
  private readonly cacheWrites: boolean

  constructor (backing: Blockstore, init: TieredBlockstoreInit = {}) {
    this.backing = backing
    this.cache = new ByteBudgetLru(init.cacheBytes ?? 64 * 1024 * 1024)
    this.cacheWrites = init.cacheWrites ?? false
  }

  /** Bytes currently cached in memory. */
  get cachedBytes (): number {
    return this.cache.size
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    return this.cache.has(keyOf(cid)) || await this.backing.has(cid, options)
  }

  async put (cid: CID, input: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const bytes = await collectBlock(input)
    await this.backing.put(cid, bytes, options)
    if (this.cacheWrites) this.cache.set(keyOf(cid), bytes)
    return cid
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    const pending = new Map<string, Uint8Array>()
    const cacheWrites = this.cacheWrites
    const collected = async function * (): AsyncGenerator<InputPair> {
      for await (const { cid, bytes } of source) {
        const block = await collectBlock(bytes)
        if (cacheWrites) pending.set(keyOf(cid), block)
        yield { cid, bytes: block }
      }
    }
    for await (const cid of this.backing.putMany(collected(), options)) {
      const key = keyOf(cid)
      const block = pending.get(key)
      if (block !== undefined) {
        this.cache.set(key, block)
        pending.delete(key)
      }
      yield cid
    }
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const key = keyOf(cid)
    const cached = this.cache.get(key)
    if (cached !== undefined) {
      yield cached
      return
    }
    const bytes = await collectBlock(this.backing.get(cid, options))
    this.cache.set(key, bytes)
    yield bytes
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    for await (const cid of source) {
      const bytes = await collectBlock(this.get(cid, options))
      yield { cid, bytes: singleChunkAsync(bytes) }
    }
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.backing.getAll(options)
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.cache.delete(keyOf(cid))
    await this.backing.delete(cid, options)
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    for await (const cid of source) {
      await this.delete(cid, options)
      yield cid
    }
  }
}
