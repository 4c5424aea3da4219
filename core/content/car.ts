import { CarBlockIterator, CarWriter } from '@ipld/car'
import drain from 'it-drain'
import { BlockCorruptError, CidMismatchError, InvalidCarError, IpfsKitError } from '../errors/index.ts'
import { blockTooLarge } from '../blocks/limits.ts'
import { verifyBlock } from '../blocks/verify.ts'
import { walkDag } from './dag-walk.ts'
import type { AbortOptions } from '../abort.ts'
import type { CarImportResult } from './types.ts'
import { memorySpool } from './block-spool.ts'
import type { SpoolFactory } from './block-spool.ts'
import type { Blockstore, InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * Yields a CAR writer's output, holding back the header until the first block follows it: a root that cannot be read
 * then fails the stream before a byte is sent, so HTTP can still answer 404 instead of a 200 cut short. Stops at the
 * first chunk after `failed()` reports an error.
 */
export async function * withHeldHeader (out: AsyncIterable<Uint8Array>, failed: () => Error | undefined): AsyncGenerator<Uint8Array> {
  let header: Uint8Array | undefined
  let first = true
  for await (const chunk of out) {
    if (failed() !== undefined) return
    if (first) {
      first = false
      header = chunk
      continue
    }
    if (header !== undefined) {
      yield header
      header = undefined
    }
    yield chunk
  }
  if (header !== undefined && failed() === undefined) yield header
}

/**
 * Stream the DAG under `root` as a CARv1 (root as the only header root, blocks depth-first, each once).
 * Reads go through `blockstore`, so pass a verified one: a corrupt block stops the export with
 * `ERR_BLOCK_CORRUPT` instead of being written out.
 */
export async function * exportCar (blockstore: Pick<Blockstore, 'get'>, root: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const { writer, out } = CarWriter.create([root])
  let failure: Error | undefined
  const filling = (async () => {
    try {
      for await (const block of walkDag(blockstore, root, options)) await writer.put(block)
    } catch (err) {
      failure = err instanceof Error ? err : new Error('CAR export failed', { cause: err })
    } finally {
      await writer.close()
    }
  })()
  yield * withHeldHeader(out, () => failure)
  await filling
  if (failure !== undefined) throw failure
}

async function * carBlocks (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onRoots: (roots: CID[]) => void): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
  let iterator: CarBlockIterator
  try {
    iterator = await CarBlockIterator.fromIterable(toAsync(source))
    onRoots(await iterator.getRoots())
  } catch (err) {
    throw new InvalidCarError(`not a valid CAR: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  const blocks = iterator[Symbol.asyncIterator]()
  while (true) {
    let next: IteratorResult<{ cid: CID, bytes: Uint8Array }>
    try {
      next = await blocks.next()
    } catch (err) {
      if (err instanceof IpfsKitError) throw err
      throw new InvalidCarError(`malformed CAR block: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    if (next.done === true) return
    yield next.value
  }
}

async function * toAsync (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield * source
}

/** Options for {@link importCar}. */
export interface ImportCarOptions extends AbortOptions {
  /** Largest block accepted, in bytes. */
  maxBlockSize: number
  /** Where verified blocks wait until the whole CAR is checked (default: in memory). */
  spool?: SpoolFactory
}

/**
 * Import a CAR (v1 or v2) in two passes: every block is checked against its CID and the size limit as it streams in
 * and kept in a spool; only when the whole CAR has verified are the blocks written to the blockstore. A bad CAR
 * (malformed, a corrupt or oversize block, an abort while reading) therefore writes nothing, and no import ever
 * deletes a block: a failure while writing leaves only verified blocks, which are valid content (unpinned until
 * the roots are pinned, so garbage collection may take them).
 */
export async function importCar (blockstore: Pick<Blockstore, 'has' | 'putMany'>, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: ImportCarOptions): Promise<CarImportResult> {
  options.signal?.throwIfAborted()
  const result: CarImportResult = { roots: [], blocks: 0, newBlocks: 0, bytes: 0 }
  const spool = await (options.spool ?? (async () => memorySpool()))()
  try {
    for await (const { cid, bytes } of carBlocks(source, roots => { result.roots = roots })) {
      options.signal?.throwIfAborted()
      if (bytes.byteLength > options.maxBlockSize) throw blockTooLarge(cid, bytes.byteLength, options.maxBlockSize)
      await verifyBlock(cid, bytes).catch((err: unknown) => {
        if (err instanceof BlockCorruptError) throw new CidMismatchError(`block ${cid.toString()} in the CAR does not match its CID`, { cause: err })
        throw err
      })
      result.blocks++
      result.bytes += bytes.byteLength
      await spool.append(cid, bytes)
    }
    const fresh = async function * (): AsyncGenerator<InputPair> {
      for await (const block of spool.blocks(options)) {
        if (await blockstore.has(block.cid, options)) continue
        result.newBlocks++
        yield block
      }
    }
    await drain(blockstore.putMany(fresh(), options))
    return result
  } finally {
    await spool.discard()
  }
}
