import { InvalidRangeError, NotAFileError } from '../errors/index.ts'
import { translateExporterError } from './exporter-errors.ts'
import { resolveEntry } from './read.ts'
import type { CatOptions } from './types.ts'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Blocks fetched ahead of the reader while streaming a file. */
export const DEFAULT_BLOCK_READ_CONCURRENCY = 8

function checkRange (options: CatOptions, size: number): { offset: number, length: number } {
  const offset = options.offset ?? 0
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidRangeError(`offset must be a non-negative integer, got ${offset}`)
  if (offset > size) throw new InvalidRangeError(`offset ${offset} is past the end of a ${size} byte file`)
  const length = options.length ?? size - offset
  if (!Number.isSafeInteger(length) || length < 0) throw new InvalidRangeError(`length must be a non-negative integer, got ${length}`)
  return { offset, length: Math.min(length, size - offset) }
}

/**
 * Stream a file's bytes (optionally a byte range). Every block is read through the caller's (verified) blockstore.
 *
 * @example
 * ```ts
 * for await (const chunk of catFile(blocks, cid, { offset: 10, length: 100 })) { ... }
 * ```
 */
export async function * catFile (blockstore: ReadableStorage, target: CID | string, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const entry = await resolveEntry(blockstore, target, options)
  if (entry.type !== 'file' && entry.type !== 'raw' && entry.type !== 'identity') {
    throw new NotAFileError(`${String(target)} is a ${entry.type}, not a file`)
  }
  const { offset, length } = checkRange(options, Number(entry.size))
  if (length === 0) return
  try {
    yield * entry.content({ offset, length, signal: options.signal, blockReadConcurrency: DEFAULT_BLOCK_READ_CONCURRENCY })
  } catch (err) {
    throw translateExporterError(err, `cannot read ${String(target)}`)
  }
}
