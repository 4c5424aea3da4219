import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { FsDatastore } from 'datastore-fs'
import { PutFailedError } from 'interface-store'
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
  override async put (key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const { file } = this._encode(key)
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      options?.signal?.throwIfAborted()
      await mkdir(dirname(file), { recursive: true })
      await writeFile(temp, val)
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
}
