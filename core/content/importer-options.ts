import { rabin } from 'ipfs-unixfs-importer/chunker'
import { fixedSizeChunker } from './fixed-chunker.ts'
import { LeafBufferPool } from './leaf-pool.ts'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { InvalidInputError } from '../errors/index.ts'
import { rawLeafImporter } from './leaf-importer.ts'
import type { LeafHasher } from './leaf-hasher.ts'
import type { AddOptions } from './types.ts'
import type { ImporterOptions } from 'ipfs-unixfs-importer'

/** Default leaf size: 1 MiB, as the `unixfs-v1-2025` profile (IPIP-499) fixes. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024
/** Default links per node, as the `unixfs-v1-2025` profile fixes. */
export const DEFAULT_MAX_CHILDREN = 1024
/** Default blocks in flight to the blockstore during an add. */
export const DEFAULT_BLOCK_WRITE_CONCURRENCY = 16

/** Kubo's legacy defaults (`unixfs-v0-2015`): what `ipfs add` makes without flags. */
export const LEGACY_CHUNK_SIZE = 256 * 1024
export const LEGACY_MAX_CHILDREN = 174

/**
 * Importer settings for an add: the `unixfs-v1-2025` profile (CIDv1, raw leaves, 1 MiB chunks, 1024-wide
 * balanced DAG, HAMT sharding by block size), or with `cidVersion: 0` Kubo's `unixfs-v0-2015` (CIDv0, dag-pb
 * leaves, 256 KiB chunks, 174-wide), unless the caller picks another chunker or width.
 *
 * `reuseLeafBuffers`: fixed-size raw leaves are cut into the buffers of a {@link LeafBufferPool} (one per add, returned
 * as `pool`), which the leaf writer hands back once written; only for blockstores that keep no reference to a block's
 * bytes once its put resolved (see `ContentStoreInit.reuseLeafBuffers`). A `Blob` source is read straight into them
 * (`toByteStream`). `leafHasher` hashes raw leaves (default: on this thread).
 */
export function importerOptions (options: AddOptions, maxBlockSize: number, reuseLeafBuffers = false, leafHasher?: LeafHasher): { settings: ImporterOptions, pool: LeafBufferPool | undefined } {
  const legacy = options.cidVersion === 0
  if (legacy && options.rawLeaves === true) throw new InvalidInputError('CIDv0 cannot have raw leaves: use cidVersion 1 with rawLeaves')
  const rawLeaves = options.rawLeaves ?? !legacy
  const defaultSize = legacy ? LEGACY_CHUNK_SIZE : DEFAULT_CHUNK_SIZE
  const chunker = options.chunker ?? { type: 'fixed', size: defaultSize }
  if (chunker.type === 'fixed') {
    const size = chunker.size ?? defaultSize
    if (!Number.isInteger(size) || size < 1 || size > maxBlockSize) {
      throw new InvalidInputError(`chunk size must be an integer from 1 to ${maxBlockSize}, got ${size}`)
    }
  } else if ((chunker.maxSize ?? 0) > maxBlockSize) {
    throw new InvalidInputError(`rabin maxSize must be at most ${maxBlockSize}`)
  }
  const width = options.maxChildrenPerNode ?? (legacy ? LEGACY_MAX_CHILDREN : DEFAULT_MAX_CHILDREN)
  const blockWriteConcurrency = options.blockWriteConcurrency ?? DEFAULT_BLOCK_WRITE_CONCURRENCY
  if (!Number.isInteger(width) || width < 2) throw new InvalidInputError(`maxChildrenPerNode must be an integer ≥ 2, got ${width}`)
  if (!Number.isInteger(blockWriteConcurrency) || blockWriteConcurrency < 1) {
    throw new InvalidInputError(`blockWriteConcurrency must be an integer ≥ 1, got ${blockWriteConcurrency}`)
  }
  const fixedLeaves = chunker.type === 'fixed' ? chunker.size ?? defaultSize : undefined
  const pool = reuseLeafBuffers && rawLeaves && fixedLeaves !== undefined ? new LeafBufferPool(fixedLeaves, blockWriteConcurrency + 4) : undefined
  const settings: ImporterOptions = {
    profile: legacy ? 'unixfs-v0-2015' : 'unixfs-v1-2025',
    cidVersion: legacy ? 0 : 1,
    rawLeaves,
    // our faster leaf writer makes raw leaves only; dag-pb leaves go through the importer's own
    ...(rawLeaves ? { bufferImporter: rawLeafImporter({ writesInFlight: blockWriteConcurrency, pool, ...(leafHasher === undefined ? {} : { hasher: leafHasher }) }) } : {}),
    chunker: chunker.type === 'fixed'
      ? fixedSizeChunker(fixedLeaves ?? defaultSize, pool)
      : rabin({ avgChunkSize: chunker.avgSize, minChunkSize: chunker.minSize, maxChunkSize: chunker.maxSize }),
    layout: balanced({ maxChildrenPerNode: width }),
    blockWriteConcurrency,
    fileImportConcurrency: options.fileImportConcurrency ?? 4,
    wrapWithDirectory: options.wrapWithDirectory ?? true
  }
  return { settings, pool }
}
