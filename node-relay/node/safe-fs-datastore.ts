import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { FsDatastore } from 'datastore-fs'
import { GetFailedError, NotFoundError, PutFailedError } from 'interface-store'
import { NoSpaceError } from '../../core/errors/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { Key } from 'interface-datastore'

/**
 * `datastore-fs` with writes that concurrent writers of one key cannot tear: datastore-fs writes through one
 * temp file per key (`.<name>.tmp`), so two puts of the same key at once interleave their bytes and can leave a
 * torn record (seen as `CBOR decode error` on pins, which then stopped the relay from starting). Here every put
 * writes its own uniquely named temp file and renames it over the target: readers see the old or the new value,
 * whole, and the last rename wins.
 */
export class SafeFsDatastore extends FsDatastore {
  /**
   * Directories made (or found) by this instance: a put into one skips its `mkdir`. Pinning a DAG puts one record
   * per block into `/pinned-block/`, and a `mkdir` per record was a fifth of a pin's file operations. A directory
   * removed behind our back fails the write with ENOENT, which makes it again.
   */
  private readonly madeDirs = new Set<string>()

  override async put (key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const { file } = this._encode(key)
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      options?.signal?.throwIfAborted()
      const dir = dirname(file)
      if (!this.madeDirs.has(dir)) await this.makeDir(dir)
      await writeFile(temp, val).catch(async (err: unknown) => {
        if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err
        await this.makeDir(dir)
        await writeFile(temp, val)
      })
      await rename(temp, file)
      return key
    } catch (err) {
      await rm(temp, { force: true })
      if (err instanceof Error && 'code' in err && (err.code === 'ENOSPC' || err.code === 'EDQUOT')) {
        throw new NoSpaceError(`no space left to write ${key.toString()} in the datastore`, { cause: err })
      }
      throw new PutFailedError(String(err))
    }
  }

  /**
   * datastore-fs answers every failed read with `NotFoundError`. A pin reads a block's record to add itself to its
   * pinners: a record it cannot read (too many open files, a permission) taken for "none" would be rewritten with this
   * pin alone, and the other pins' claims on the block lost. Only a missing file is "not found" here.
   */
  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const { file } = this._encode(key)
    try {
      options?.signal?.throwIfAborted()
      return await readFile(file, { signal: options?.signal })
    } catch (err) {
      if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) {
        throw new NotFoundError(`${key.toString()} is not stored`)
      }
      if (err instanceof Error && err.name === 'AbortError') throw err
      throw new GetFailedError(String(err))
    }
  }

  private async makeDir (dir: string): Promise<void> {
    this.madeDirs.delete(dir)
    await mkdir(dir, { recursive: true })
    this.madeDirs.add(dir)
  }
}
