import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { hashLeafHere } from './leaf-hasher.ts'
import type { LeafHasher } from './leaf-hasher.ts'
import type { LeafBufferPool } from './leaf-pool.ts'
import type { BufferImporter, BufferImporterResult, WritableStorage } from 'ipfs-unixfs-importer'

/** Options for {@link rawLeafImporter}. */
export interface RawLeafImporterInit {
  /** Leaf writes in flight at once; reading waits while this many are pending. */
  writesInFlight: number
  /**
   * Where each written leaf's buffer goes back for the chunker to reuse (the file's first leaf excepted: the
   * importer keeps its bytes). Only for blockstores that keep no reference to the bytes once a put resolved.
   */
  pool?: LeafBufferPool
  /** Hashes each leaf (default: on this thread). */
  hasher?: LeafHasher
}

const NO_BYTES = new Uint8Array(0)

/**
 * A raw-leaf buffer importer for `ipfs-unixfs-importer` that keeps reading, hashing and writing in a pipeline.
 *
 * The default buffer importer hashes and writes a leaf only when the importer runs its job, and the importer
 * pulls a whole batch of `blockWriteConcurrency` jobs before it runs any: an add reads a batch, then hashes it,
 * then waits for its writes, then reads again. Here each leaf is hashed as soon as it is read and its write
 * starts at once; the job only hands the CID over. Up to `writesInFlight` writes overlap the reading and hashing
 * of the next leaves. A leaf's bytes are held only until its write finishes (the importer keeps the bytes of a
 * file's first leaf alone, in case the file is that one block), which keeps them from outliving the young
 * generation of the garbage collector: a 1 MiB buffer promoted to the old generation costs a full collection.
 *
 * The generator ends only once every write has finished, so the importer writes the file's root (and the add
 * resolves) after all its leaves are stored; a failed write fails the add. Leaves and CIDs are exactly the
 * default's (CIDv1, raw codec, SHA-256: from multiformats on this thread by default, node:crypto in Node and
 * WebCrypto in browsers, or by `hasher`, which may hash in a worker and hand the leaf's memory back in a new array).
 */
export function rawLeafImporter (init: RawLeafImporterInit): BufferImporter {
  return async function * importLeaves (file, blockstore) {
    const writes = new LeafWrites(blockstore, init.writesInFlight, init.pool, init.hasher ?? hashLeafHere)
    try {
      let first = true
      for await (const block of file.content) {
        await writes.room()
        const size = BigInt(block.byteLength)
        const keep = first
        const started = writes.start(block, !first)
        first = false
        // the bytes as the hasher handed them back (`block` itself may have moved to a worker)
        yield async (): Promise<BufferImporterResult> => {
          const { cid, bytes } = await started
          return { cid, size, block: keep ? bytes : NO_BYTES }
        }
      }
      await writes.finished()
    } finally {
      await writes.settled()
    }
  }
}

/** The leaf writes of one file: started in order, bounded in number, first failure kept. */
class LeafWrites {
  private readonly pending = new Set<Promise<void>>()
  private failure: { error: unknown } | undefined
  private readonly blockstore: WritableStorage
  private readonly limit: number
  private readonly pool: LeafBufferPool | undefined
  private readonly hasher: LeafHasher

  constructor (blockstore: WritableStorage, limit: number, pool: LeafBufferPool | undefined, hasher: LeafHasher) {
    this.blockstore = blockstore
    this.limit = limit
    this.pool = pool
    this.hasher = hasher
  }

  /**
   * Hash `block` and start writing it; resolves to its CID and bytes (as the hasher handed them back) once hashed.
   * `reusable`: its buffer may go back to the pool once written.
   */
  start (block: Uint8Array, reusable: boolean): Promise<{ cid: CID, bytes: Uint8Array }> {
    const hashed = this.hasher(block, { movable: this.pool?.owns(block) === true }).then(({ multihash, bytes }) => {
      // a buffer that came back from a worker is a new object for the same pool buffer
      if (bytes !== block) this.pool?.adopt(block, bytes)
      return { cid: CID.createV1(raw.code, multihash), bytes }
    })
    const write: Promise<void> = hashed
      .then(async ({ cid, bytes }) => {
        await this.blockstore.put(cid, bytes)
        if (reusable) this.pool?.give(bytes)
      })
      .catch((error: unknown) => { this.failure ??= { error } })
      .finally(() => { this.pending.delete(write) })
    this.pending.add(write)
    return hashed
  }

  /** Wait until fewer than `limit` writes are pending; throws the first failed write's error. */
  async room (): Promise<void> {
    while (this.pending.size >= this.limit) await Promise.race(this.pending)
    this.check()
  }

  /** Wait for every write; throws the first failed write's error. */
  async finished (): Promise<void> {
    await this.settled()
    this.check()
  }

  /** Wait for every write, failed or not. */
  async settled (): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending)
  }

  private check (): void {
    if (this.failure !== undefined) throw this.failure.error
  }
}
