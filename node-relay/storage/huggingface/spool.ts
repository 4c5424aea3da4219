/**
 * Spool a DAG's CAR to a temp file (every block verified on the way) and hand it over as a file-backed Blob, so
 * backends whose clients want a sized Blob (the Hugging Face and Storacha clients) can hash and upload a large
 * DAG without holding it in memory. The file is removed afterwards.
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

/**
 * Run `use` with the DAG under `root` as a CARv1 Blob backed by a temp file in `dir`.
 *
 * @example
 * ```ts
 * await withSpooledCar(tmpdir(), root, blockstore, { signal }, async (car) => { await upload(car) })
 * ```
 */
export async function withSpooledCar<T> (dir: string, root: CID, source: DagSource, options: AbortOptions, use: (car: Blob) => Promise<T>): Promise<T> {
  const spool = await mkdtemp(join(dir, 'ipfs-kit-car-'))
  try {
    const file = join(spool, 'dag.car')
    await pipeline(Readable.from(dagToCar(source, root, options)), createWriteStream(file), options.signal === undefined ? {} : { signal: options.signal })
    return await use(await openAsBlob(file))
  } finally {
    await rm(spool, { recursive: true, force: true })
  }
}
