import { randomBytes } from 'node:crypto'
import { access as accessCallback, rename as renameCallback, writeFile as writeFileCallback } from 'node:fs'
import { mkdir, readdir, readFile, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import parallel from 'it-parallel'
import { create as createDigest } from 'multiformats/hashes/digest'
import { collectBlock, singleChunkAsync } from '../../core/blocks/bytes.ts'
import { NoSpaceError, NotFoundError, StorageError, StoreClosedError } from '../../core/errors/index.ts'
import { rememberHashed } from '../../core/blocks/verify.ts'
import { BLOCKS_DIR, blockKey, blockPath, cidFromFileName, shardOf, TMP_DIR } from './fs-layout.ts'
import { sharedHashingReadPool, WORKER_HASHES } from './hashing-reads.ts'
import type { HashedRead, HashingReadPool } from './hashing-reads.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { VerifyingReadOptions } from '../../core/blocks/read-options.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Options for {@link FsBlockstore}. */
export interface FsBlockstoreInit {
  /** Root directory of the store; created on open. */
  path: string
  /**
   * fsync each block before it is renamed into place (default false). Without it a process crash or kill -9
   * still never leaves a torn block (the rename is atomic and the page cache outlives the process); with it the
   * same holds across power loss, at a large cost in write speed.
   */
  fsync?: boolean
  /** Blocks written or read at once by putMany/getMany (default 16). */
  concurrency?: number
  /**
   * Where reads whose caller verifies the bytes (`VerifyingReadOptions.verifying`) are read and hashed: worker
   * threads, so the event loop only compares digests (default: the process's shared pool; until its first worker
   * runs, such reads are done here). `false` reads them on the event loop like any other read, and the caller
   * hashes them there.
   */
  hashingReads?: HashingReadPool | false
}

/**
 * `fs.writeFile` and `fs.rename` through their callback forms: per block, the promise API costs a `FileHandle`
 * and splits a 1 MiB write in two (512 KiB chunks), about a quarter more CPU per put (measured, see the bench).
 */
async function writeWhole (path: string, bytes: Uint8Array, flush: boolean): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    writeFileCallback(path, bytes, { flush }, err => {
      if (err === null) resolve()
      else reject(err)
    })
  })
}

async function renameFile (from: string, to: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    renameCallback(from, to, err => {
      if (err === null) resolve()
      else reject(err)
    })
  })
}

function isErrno (err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code
}

/**
 * A filesystem blockstore with atomic writes: each block is written to `tmp/` and renamed into place, so a
 * reader (or a store reopened after kill -9) sees the whole block or none of it. Opening the store empties
 * `tmp/`. Layout in `fs-layout.ts`.
 *
 * @example
 * ```ts
 * const store = new FsBlockstore({ path: './.ipfs-kit/blocks' })
 * await store.open()
 * await store.put(cid, bytes)
 * ```
 */
export class FsBlockstore implements Blockstore {
  readonly path: string
  private readonly fsync: boolean
  private readonly concurrency: number
  private readonly shards = new Map<string, Promise<void>>()
  /** Shards known to exist, checked without awaiting. */
  private readonly madeShards = new Set<string>()
  private opened = false
  private tmpCounter = 0
  /** Bytes of stored blocks: counted once by a walk, then kept up to date by puts and deletes (see usedBytes). */
  private used = 0
  private counting: Promise<void> | undefined
  private readonly instanceId = `${process.pid}-${randomBytes(6).toString('hex')}`
  private readonly hashingReads: HashingReadPool | undefined

  constructor (init: FsBlockstoreInit) {
    this.path = init.path
    this.fsync = init.fsync ?? false
    this.concurrency = init.concurrency ?? 16
    this.hashingReads = init.hashingReads === false ? undefined : (init.hashingReads ?? sharedHashingReadPool())
  }

  /** Create the directories and remove writes left half-done by a crash. */
  async open (): Promise<void> {
    try {
      await rm(join(this.path, TMP_DIR), { recursive: true, force: true })
      await mkdir(join(this.path, TMP_DIR), { recursive: true })
      await mkdir(join(this.path, BLOCKS_DIR), { recursive: true })
    } catch (err) {
      throw new StorageError(`cannot open blockstore at ${this.path}: ${String(err)}`, { cause: err })
    }
    this.opened = true
  }

  /** Mark the store closed; later calls fail with `ERR_STORE_CLOSED`. */
  async close (): Promise<void> {
    this.opened = false
    this.shards.clear()
    this.madeShards.clear()
  }

  private checkOpen (): void {
    if (!this.opened) throw new StoreClosedError(`blockstore at ${this.path} is not open`)
  }

  private async ensureShard (shard: string): Promise<void> {
    let made = this.shards.get(shard)
    if (made === undefined) {
      made = mkdir(join(this.path, BLOCKS_DIR, shard), { recursive: true }).then(() => { this.madeShards.add(shard) })
      made.catch(() => { this.shards.delete(shard) })
      this.shards.set(shard, made)
    }
    await made
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    this.checkOpen()
    // the callback form: Helia asks before every put, and for a new block the promise form's rejection cost about
    // 60 µs of CPU against 40 µs (measured)
    const path = blockPath(this.path, blockKey(cid))
    return await new Promise<boolean>(resolve => { accessCallback(path, err => { resolve(err === null) }) })
  }

  async put (cid: CID, input: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    this.checkOpen()
    const bytes = input instanceof Uint8Array ? input : await collectBlock(input)
    const key = blockKey(cid)
    const shard = shardOf(key)
    // unique per write across processes and store instances sharing the directory
    const tmp = join(this.path, TMP_DIR, `${key}.${this.instanceId}.${this.tmpCounter++}`)
    try {
      if (!this.madeShards.has(shard)) await this.ensureShard(shard)
      await writeWhole(tmp, bytes, this.fsync)
      await renameFile(tmp, blockPath(this.path, key))
      // a block written again is counted twice until the next recount: a quota errs on the strict side
      this.used += bytes.byteLength
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {})
      if (isErrno(err, 'ENOSPC') || isErrno(err, 'EDQUOT')) throw new NoSpaceError(`no space left to write block ${cid.toString()} in ${this.path}`, { cause: err })
      throw new StorageError(`cannot write block ${cid.toString()}: ${String(err)}`, { cause: err })
    }
    return cid
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    yield * parallel(this.putJobs(source, options), { concurrency: this.concurrency, ordered: true })
  }

  async * get (cid: CID, options?: VerifyingReadOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    yield await this.read(cid, options)
  }

  private async read (cid: CID, options?: VerifyingReadOptions): Promise<Uint8Array> {
    this.checkOpen()
    const path = blockPath(this.path, blockKey(cid))
    const algorithm = options?.verifying === true ? WORKER_HASHES.get(cid.multihash.code) : undefined
    try {
      // undefined while no read worker runs yet: read here, and the caller hashes here
      const hashed = algorithm === undefined ? undefined : this.hashingReads?.read(path, algorithm, options)
      if (hashed !== undefined) return this.remembered(cid, await hashed)
      const buffer = await readFile(path, { signal: options?.signal })
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`block ${cid.toString()} not found`)
      if (err instanceof Error && err.name === 'AbortError') throw err
      throw new StorageError(`cannot read block ${cid.toString()}: ${String(err)}`, { cause: err })
    }
  }

  /** A worker's read, its digest recorded for the caller's `verifyBlock` (see hashing-reads.ts). */
  private remembered (cid: CID, { bytes, digest }: HashedRead): Uint8Array {
    // what the bytes hash to, whatever the CID says: a corrupt block then fails the caller's verification
    if (digest !== undefined) rememberHashed(bytes, createDigest(cid.multihash.code, digest).bytes)
    return bytes
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: VerifyingReadOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    yield * parallel(this.getJobs(source, options), { concurrency: this.concurrency, ordered: true })
  }

  private async * putJobs (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<() => Promise<CID>> {
    for await (const { cid, bytes } of source) yield async () => this.put(cid, bytes, options)
  }

  private async * getJobs (source: Iterable<CID> | AsyncIterable<CID>, options?: VerifyingReadOptions): AsyncGenerator<() => Promise<Pair>> {
    for await (const cid of source) yield async () => ({ cid, bytes: singleChunkAsync(await this.read(cid, options)) })
  }

  /**
   * Bytes of the stored blocks. The first call walks the store (file sizes, no reads); puts and deletes keep the
   * count after that, and `recount()` (after a garbage collection) walks again to drop double counts.
   */
  async usedBytes (): Promise<number> {
    this.counting ??= this.recount()
    await this.counting
    return this.used
  }

  /** Walk the store and set the count of stored bytes from the files. */
  async recount (): Promise<void> {
    let total = 0
    for await (const { size } of this.list()) total += size
    this.used = total
  }

  /** Every stored block's CID and file path, shard by shard (a block deleted meanwhile may still be named). */
  private async * files (options?: AbortOptions): AsyncGenerator<{ cid: CID, path: string }> {
    options?.signal?.throwIfAborted()
    this.checkOpen()
    const root = join(this.path, BLOCKS_DIR)
    for (const shard of await readdir(root)) {
      for (const name of await readdir(join(root, shard)).catch(() => [])) {
        options?.signal?.throwIfAborted()
        const cid = cidFromFileName(name)
        if (cid !== undefined) yield { cid, path: join(root, shard, name) }
      }
    }
  }

  /** Every stored block's CID and size, without reading the blocks (what a garbage collection walks). */
  async * list (options?: AbortOptions): AsyncGenerator<{ cid: CID, size: number }> {
    for await (const { cid, path } of this.files(options)) {
      const info = await stat(path).catch(() => undefined)
      if (info !== undefined) yield { cid, size: info.size } // deleted while listing: skipped
    }
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const { cid } of this.files(options)) {
      try {
        yield { cid, bytes: singleChunkAsync(await this.read(cid, options)) }
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err // deleted while listing: skip
      }
    }
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.checkOpen()
    try {
      const path = blockPath(this.path, blockKey(cid))
      const size = (await stat(path).catch(() => undefined))?.size ?? 0
      await unlink(path)
      this.used = Math.max(0, this.used - size)
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw new StorageError(`cannot delete block ${cid.toString()}: ${String(err)}`, { cause: err })
    }
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    for await (const cid of source) {
      await this.delete(cid, options)
      yield cid
    }
  }
}
