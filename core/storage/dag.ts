import { CarWriter } from '@ipld/car'
import { createDecoder } from '@ipld/car/decoder'
import { multihashKey } from '../blocks/block-key.ts'
import { InvalidCarError, IpfsKitError, NotFoundError } from '../errors/index.ts'
import { collectBlock } from '../blocks/bytes.ts'
import { chunkListReader } from './car-stream-reader.ts'
import { verifyBlock } from '../blocks/verify.ts'
import { verifyingRead } from '../blocks/read-options.ts'
import { exportCar } from '../content/car.ts'
import { linksOf, walkDag } from '../content/dag-walk.ts'
import type { AbortOptions } from '../abort.ts'
import type { DagSource, VerifiedBlock } from './backend.ts'
import type { CID } from 'multiformats/cid'

/** Hard cap on one block read from a backend (a hostile object cannot make us buffer without bound). */
export const MAX_BACKEND_BLOCK_SIZE = 4 * 1024 * 1024

/** A reader that verifies every block `source` returns against its CID (`ERR_BLOCK_CORRUPT` otherwise). */
export function verifyingReader (source: DagSource): DagSource {
  return {
    async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
      // the store may hash what it reads off this thread (read-options.ts); verifyBlock then only compares digests
      const bytes = await collectBlock(source.get(cid, verifyingRead(options)))
      await verifyBlock(cid, bytes)
      yield bytes
    }
  }
}

/**
 * Walk the DAG under `root` from `source`, depth-first, root first, every block verified. Backends use it to
 * read what they are asked to `put`.
 *
 * @example
 * ```ts
 * for await (const { cid, bytes } of readVerifiedDag(blockstore, root, { signal })) await store(cid, bytes)
 * ```
 */
export async function * readVerifiedDag (source: DagSource, root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
  yield * walkDag(verifyingReader(source), root, options)
}

/** The DAG under `root` as a CARv1 byte stream (root as the only header root), every block verified on the way. */
export function dagToCar (source: DagSource, root: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
  return exportCar(verifyingReader(source), root, options)
}

/** A CARv1 byte stream of already verified blocks (e.g. what `StorageBackend.get` yields). */
export async function * blocksToCar (root: CID, blocks: AsyncIterable<VerifiedBlock>): AsyncGenerator<Uint8Array> {
  const { writer, out } = CarWriter.create([root])
  let failure: unknown
  let failed = false
  const filling = (async () => {
    try {
      for await (const block of blocks) await writer.put(block)
    } catch (err) {
      failed = true
      failure = err
    } finally {
      await writer.close()
    }
  })()
  for await (const chunk of out) {
    if (failed) break
    yield chunk
  }
  await filling
  if (failed) throw failure
}

/** Remembers an error of the byte stream itself (a cut connection), so it is not mistaken for a malformed CAR. */
interface StreamFailure { error?: { cause: unknown } }

async function * watched (car: AsyncIterable<Uint8Array>, failure: StreamFailure): AsyncGenerator<Uint8Array> {
  try {
    yield * car
  } catch (err) {
    failure.error = { cause: err }
    throw err
  }
}

function carError (err: unknown, failure: StreamFailure, what: string): unknown {
  if (failure.error !== undefined) return failure.error.cause
  if (err instanceof IpfsKitError) return err
  return new InvalidCarError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
}

async function openCar (car: AsyncIterable<Uint8Array>, failure: StreamFailure): Promise<AsyncIterable<{ cid: CID, bytes: Uint8Array }>> {
  const decoder = createDecoder(chunkListReader(watched(car, failure)))
  try {
    await decoder.header()
  } catch (err) {
    throw carError(err, failure, 'not a valid CAR')
  }
  return decoder.blocks()
}

/**
 * Read the DAG under `root` out of a CAR stream: every block is verified against its CID (`ERR_BLOCK_CORRUPT`),
 * a malformed CAR is `ERR_INVALID_CAR` (an error of the byte stream itself is rethrown as it is), duplicates are skipped, and when the CAR ends every block the DAG links to must have been seen (`ERR_NOT_FOUND`
 * names the first missing one). Blocks stream out as they arrive.
 *
 * @example
 * ```ts
 * for await (const block of carToVerifiedBlocks(root, response.body)) { ... }
 * ```
 */
export async function * carToVerifiedBlocks (root: CID, car: AsyncIterable<Uint8Array>, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
  options.signal?.throwIfAborted()
  const failure: StreamFailure = {}
  const iterator = (await openCar(car, failure))[Symbol.asyncIterator]()
  const seen = new Set<string>()
  const wanted = new Map<string, CID>([[multihashKey(root), root]])
  while (true) {
    options.signal?.throwIfAborted()
    let next: IteratorResult<{ cid: CID, bytes: Uint8Array }>
    try {
      next = await iterator.next()
    } catch (err) {
      throw carError(err, failure, 'malformed CAR block')
    }
    if (next.done === true) break
    const { cid, bytes } = next.value
    const key = multihashKey(cid)
    if (seen.has(key)) continue
    if (bytes.byteLength > MAX_BACKEND_BLOCK_SIZE) throw new InvalidCarError(`block ${cid.toString()} is ${bytes.byteLength} bytes, over the ${MAX_BACKEND_BLOCK_SIZE} byte limit`)
    await verifyBlock(cid, bytes)
    seen.add(key)
    wanted.delete(key)
    for (const link of linksOf(cid, bytes)) {
      const linkKey = multihashKey(link)
      if (!seen.has(linkKey)) wanted.set(linkKey, link)
    }
    yield { cid, bytes }
  }
  const missing = wanted.values().next()
  if (missing.done !== true) throw new NotFoundError(`the CAR for ${root.toString()} lacks block ${missing.value.toString()}`)
}

/** Bytes of every block in a verified block stream (drains it). */
export async function dagByteSize (blocks: AsyncIterable<VerifiedBlock>): Promise<number> {
  let size = 0
  for await (const block of blocks) size += block.bytes.byteLength
  return size
}
