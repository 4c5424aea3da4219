import { CarWriter } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { walkPath } from 'ipfs-unixfs-exporter'
import * as raw from 'multiformats/codecs/raw'
import { multihashKey } from '../blocks/block-key.ts'
import { InvalidRangeError } from '../errors/index.ts'
import { collectBlock } from '../blocks/bytes.ts'
import { walkDag } from './dag-walk.ts'
import { translateExporterError } from './exporter-errors.ts'
import { parseIpfsPath } from './cid.ts'
import { withHeldHeader } from './car.ts'
import type { AbortOptions } from '../abort.ts'
import type { DagBlock } from './dag-walk.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** How much of the DAG under a path a CAR carries (IPIP-402). */
export type DagScope = 'block' | 'entity' | 'all'

/** A byte range of a file entity; `to` is inclusive, negative values count from the end, undefined means the end. */
export interface EntityBytes {
  from: number
  to?: number
}

/** Options for {@link exportScopedCar}. */
export interface ScopedCarOptions extends AbortOptions {
  dagScope?: DagScope
  entityBytes?: EntityBytes
}

type Reader = Pick<Blockstore, 'get'>

async function readBlock (blockstore: Reader, cid: CID, options: AbortOptions): Promise<Uint8Array> {
  return collectBlock(blockstore.get(cid, options))
}

/** Resolve `[start, end)` of a file of `size` bytes from an entity-bytes range. */
export function resolveEntityBytes (range: EntityBytes, size: number): { start: number, end: number } {
  const start = range.from < 0 ? Math.max(0, size + range.from) : range.from
  const lastInclusive = range.to === undefined ? size - 1 : range.to < 0 ? size + range.to : Math.min(range.to, size - 1)
  if (start > lastInclusive + 1 || (size > 0 && start >= size)) throw new InvalidRangeError(`entity-bytes ${range.from}:${range.to ?? '*'} is outside a ${size} byte file`)
  return { start, end: lastInclusive + 1 }
}

/** Blocks of a file needed for bytes `[start, end)`, depth-first, using UnixFS blockSizes to skip the rest. */
async function * fileRange (blockstore: Reader, cid: CID, start: number, end: number, options: AbortOptions): AsyncGenerator<DagBlock> {
  const bytes = await readBlock(blockstore, cid, options)
  yield { cid, bytes }
  if (cid.code !== dagPb.code) return
  const node = dagPb.decode(bytes)
  if (node.Data === undefined) return
  const unixfs = UnixFS.unmarshal(node.Data)
  let offset = unixfs.data?.byteLength ?? 0
  for (let i = 0; i < node.Links.length; i++) {
    const link = node.Links[i]
    const size = Number(unixfs.blockSizes[i] ?? 0n)
    if (link !== undefined && offset < end && offset + size > start) {
      yield * fileRange(blockstore, link.Hash, Math.max(0, start - offset), Math.min(size, end - offset), options)
    }
    offset += size
  }
}

/** Blocks of the entity at `cid`: a whole file (or a byte range), or a directory's own blocks (HAMT shards) without its children. */
async function * entityBlocks (blockstore: Reader, cid: CID, options: ScopedCarOptions): AsyncGenerator<DagBlock> {
  const bytes = await readBlock(blockstore, cid, options)
  if (cid.code === raw.code) {
    yield { cid, bytes }
    return
  }
  if (cid.code !== dagPb.code) {
    yield { cid, bytes }
    return
  }
  const node = dagPb.decode(bytes)
  const unixfs = node.Data === undefined ? undefined : UnixFS.unmarshal(node.Data)
  if (unixfs?.type === 'file' || unixfs?.type === 'raw') {
    const size = Number(unixfs.fileSize())
    const { start, end } = options.entityBytes === undefined ? { start: 0, end: size } : resolveEntityBytes(options.entityBytes, size)
    yield * fileRange(blockstore, cid, start, end, options)
    return
  }
  yield { cid, bytes }
  if (unixfs?.type === 'hamt-sharded-directory') {
    // the shard tree is part of the directory entity; entries (links with a name longer than the 2-char prefix) are not
    for (const link of node.Links) {
      if ((link.Name ?? '').length === 2) yield * entityBlocks(blockstore, link.Hash, options)
    }
  }
}

/**
 * Stream a CAR for a gateway request per the trustless gateway spec: the blocks that prove the path from the root
 * CID to the target, then the target's blocks chosen by `dagScope` (`block`: only its root; `entity`: the file,
 * optionally only `entityBytes`, or the directory without children; `all`: the whole DAG). Each block once, depth-first.
 */
export async function * exportScopedCar (blockstore: Reader, target: CID | string, options: ScopedCarOptions = {}): AsyncGenerator<Uint8Array> {
  const { cid: root, path } = parseIpfsPath(target)
  const { writer, out } = CarWriter.create([root])
  const seen = new Set<string>()
  let failure: Error | undefined
  const put = async (block: DagBlock): Promise<void> => {
    const key = multihashKey(block.cid)
    if (seen.has(key)) return
    seen.add(key)
    await writer.put(block)
  }
  const filling = (async () => {
    try {
      let terminal = root
      if (path !== '') {
        try {
          for await (const step of walkPath(`${root.toString()}/${path}`, blockstore, { signal: options.signal, yieldSubShards: true })) {
            await put({ cid: step.cid, bytes: await readBlock(blockstore, step.cid, options) })
            terminal = step.cid
          }
        } catch (err) {
          throw translateExporterError(err, `cannot resolve ${root.toString()}/${path}`)
        }
      }
      const scope = options.dagScope ?? 'all'
      if (scope === 'block') {
        await put({ cid: terminal, bytes: await readBlock(blockstore, terminal, options) })
      } else if (scope === 'entity') {
        for await (const block of entityBlocks(blockstore, terminal, options)) await put(block)
      } else {
        for await (const block of walkDag(blockstore, terminal, options)) await put(block)
      }
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

