import { exporter } from 'ipfs-unixfs-exporter'
import * as raw from 'multiformats/codecs/raw'
import { collectBlock } from '../blocks/bytes.ts'
import { InvalidRangeError } from '../errors/index.ts'
import { translateExporterError } from './exporter-errors.ts'
import { parseIpfsPath } from './cid.ts'
import type { UnixFSEntry, ReadableStorage, ExportContentOptions } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '../abort.ts'

/** Resolve a CID or `<cid>/path` to its UnixFS (or raw/IPLD) entry, with our error codes. */
export async function resolveEntry (blockstore: ReadableStorage, target: CID | string, options: AbortOptions = {}): Promise<UnixFSEntry> {
  const { cid, path } = parseIpfsPath(target)
  const address = path === '' ? cid : `${cid.toString()}/${path}`
  try {
    if (path === '' && cid.code === raw.code) return rawEntry(cid, await collectBlock(blockstore.get(cid, options)))
    return await exporter(address, blockstore, { signal: options.signal })
  } catch (err) {
    throw translateExporterError(err, `cannot resolve ${typeof address === 'string' ? address : address.toString()}`)
  }
}

/**
 * The entry the exporter makes for a raw block, made here: most small files are one raw block, and the exporter's
 * path walk and its copy of the block (`it-to-buffer` copies even a single chunk) were a visible part of a 1 KiB
 * read's cost under load. The block is the store's (verified) array, not a copy.
 */
function rawEntry (cid: CID, block: Uint8Array): UnixFSEntry {
  const name = cid.toString()
  return {
    type: 'raw',
    cid,
    name,
    path: name,
    size: BigInt(block.byteLength),
    node: block,
    content: async function * (options: ExportContentOptions = {}) {
      const start = options.offset ?? 0
      const length = options.length ?? block.byteLength - start
      if (start < 0 || length < 0 || start > block.byteLength) throw new InvalidRangeError(`offset ${start} and length ${length} do not fit a ${block.byteLength} byte block`)
      yield block.subarray(start, Math.min(start + length, block.byteLength))
    }
  }
}
