import { collectBlock, singleChunkAsync } from './bytes.ts'
import { blockTooLarge, DEFAULT_MAX_BLOCK_SIZE } from './limits.ts'
import { verifyBlock } from './verify.ts'
import { verifyingRead } from './read-options.ts'
import type { AbortOptions } from '../abort.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Multihash code of the identity "hash" (the bytes themselves). */
const IDENTITY_CODE = 0x00

/** Options for {@link VerifiedBlockstore}. */
export interface VerifiedBlockstoreInit {
  /** Largest block accepted on read or write, in bytes (default 2 MiB). */
  maxBlockSize?: number
  /** Verify bytes on `put` too (default true). Reads are always verified. */
  verifyWrites?: boolean
  /** Called when a stored block fails verification on read, before the error is thrown. */
  /** Called (and awaited) before a read that failed verification throws, e.g. to quarantine the stored copy. */
  onCorruptBlock?: (cid: CID, error: Error) => void | Promise<void>
}

/**
 * A blockstore wrapper that checks every block against its CID, whichever store served it. A corrupt block is
 * a `BlockCorruptError` (`ERR_BLOCK_CORRUPT`), never returned bytes; an oversize block is a
 * `BlockTooLargeError` (`ERR_BLOCK_TOO_LARGE`).
 *
 * @example
 * ```ts
 * const store = new VerifiedBlockstore(new FsBlockstore(dir))
 * for await (const chunk of store.get(cid)) { ... } // throws on corruption
 * ```
 */
export class VerifiedBlockstore implements Blockstore {
  readonly inner: Blockstore
  private readonly maxBlockSize: number
  private readonly verifyWrites: boolean
  private readonly onCorruptBlock: ((cid: CID, error: Error) => void | Promise<void>) | undefined
  constructor (inner: Blockstore, init: VerifiedBlockstoreInit = {}) {
    this.inner = inner
    this.maxBlockSize = init.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE
    this.verifyWrites = init.verifyWrites ?? true
    this.onCorruptBlock = init.onCorruptBlock
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    if (cid.multihash.code === IDENTITY_CODE) return true
    return this.inner.has(cid, options)
  }

  async put (cid: CID, input: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const bytes = await this.checkedWrite(cid, input)
    return this.inner.put(cid, bytes, options)
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    const checked = async function * (this: VerifiedBlockstore): AsyncGenerator<InputPair> {
      for await (const { cid, bytes } of source) {
        yield { cid, bytes: await this.checkedWrite(cid, bytes) }
      }
    }
    yield * this.inner.putMany(checked.call(this), options)
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    if (cid.multihash.code === IDENTITY_CODE) {
      // an identity CID carries its bytes inline: nothing to store, nothing that can be corrupt
      yield cid.multihash.digest
      return
    }
    yield await this.checkedRead(cid, this.inner.get(cid, verifyingRead(options)))
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    for await (const { cid, bytes } of this.inner.getMany(source, verifyingRead(options))) {
      const verified = await this.checkedRead(cid, bytes)
      yield { cid, bytes: singleChunkAsync(verified) }
    }
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    for await (const { cid, bytes } of this.inner.getAll(options)) {
      const verified = await this.checkedRead(cid, bytes)
      yield { cid, bytes: singleChunkAsync(verified) }
    }
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    await this.inner.delete(cid, options)
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    yield * this.inner.deleteMany(source, options)
  }

  private async checkedWrite (cid: CID, input: InputPair['bytes']): Promise<Uint8Array> {
    const bytes = await collectBlock(input, this.maxBlockSize, size => blockTooLarge(cid, size, this.maxBlockSize))
    if (this.verifyWrites) await verifyBlock(cid, bytes)
    return bytes
  }

  private async checkedRead (cid: CID, chunks: Pair['bytes']): Promise<Uint8Array> {
    const bytes = await collectBlock(chunks, this.maxBlockSize, size => blockTooLarge(cid, size, this.maxBlockSize))
    try {
      // bytes hashed before (a cache hit, a block Helia checked on arrival) are not hashed again: see verify.ts
      await verifyBlock(cid, bytes)
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'ERR_BLOCK_CORRUPT') {
        try {
          await this.onCorruptBlock?.(cid, err)
        } catch {
          // the listener's failure must not hide the corruption
        }
      }
      throw err
    }
    return bytes
  }
}
