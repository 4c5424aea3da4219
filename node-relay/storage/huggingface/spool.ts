/**
 * Spool a DAG's CAR (every block verified on the way) and hand it over as a sized Blob, which the Hugging Face and
 * Storacha clients want: a CAR up to `memoryLimit` bytes stays in memory; a bigger one goes to a temp file and is
 * handed over file-backed, so a large DAG is hashed and uploaded without being held in memory. The file is removed
 * afterwards.
 */
import { createWriteStream, openAsBlob } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { dagToCar } from '../../../core/storage/index.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type { DagSource } from '../../../core/storage/index.ts'
import type { CID } from 'multiformats/cid'

/** CARs up to this size are kept in memory (default of `memoryLimit`). */
export const SPOOL_MEMORY_LIMIT = 64 * 1024 * 1024

/**
 * Run `use` with the DAG under `root` as a CARv1 Blob: in memory up to `memoryLimit` bytes, else backed by a temp
 * file in `dir`.
 *
 * @example
 * ```ts
 * await withSpooledCar(tmpdir(), root, blockstore, { signal }, async (car) => { await upload(car) })
 * ```
 */
export async function withSpooledCar<T> (dir: string, root: CID, source: DagSource, options: AbortOptions, use: (car: Blob) => Promise<T>, memoryLimit = SPOOL_MEMORY_LIMIT): Promise<T> {
  const car = dagToCar(source, root, options)
  const head: Uint8Array[] = []
  let size = 0
  let ended = false
  while (size <= memoryLimit) {
    const next = await car.next()
    if (next.done === true) { ended = true; break }
    head.push(next.value)
    size += next.value.byteLength
  }
  if (ended) return await use(new Blob(head as BlobPart[]))
  const spool = await mkdtemp(join(dir, 'ipfs-kit-car-'))
  try {
    const file = join(spool, 'dag.car')
    const rest = async function * (): AsyncGenerator<Uint8Array> {
      yield * head
      yield * car
    }
    await pipeline(Readable.from(rest()), createWriteStream(file), options.signal === undefined ? {} : { signal: options.signal })
    return await use(await openAsBlob(file))
  } finally {
    await rm(spool, { recursive: true, force: true })
  }
}
