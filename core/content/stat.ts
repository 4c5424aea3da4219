import { walkDag } from './dag-walk.ts'
import { entryType } from './ls.ts'
import { resolveEntry } from './read.ts'
import type { Stat, StatOptions } from './types.ts'
import type { Blockstore } from 'interface-blockstore'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/**
 * Facts about a file, directory or block: its type and size, UnixFS mode/mtime, and with `withDagSize` the
 * block count and total block bytes of its whole DAG (which reads, and so verifies, every block).
 */
export async function statEntry (blockstore: Pick<Blockstore, 'get' | 'has'>, target: CID | string, options: StatOptions = {}): Promise<Stat> {
  const entry = await resolveEntry(blockstore, target, options)
  const stat = statOf(entry)
  if (options.withDagSize === true) {
    let blocks = 0
    let dagSize = 0
    for await (const block of walkDag(blockstore, entry.cid, options)) {
      blocks++
      dagSize += block.bytes.byteLength
    }
    stat.blocks = blocks
    stat.dagSize = dagSize
    stat.local = true
  }
  return stat
}

/** The facts about an entry that its root block alone tells (type, size, UnixFS mode/mtime). */
export function statOf (entry: UnixFSEntry): Stat {
  const type = entryType(entry)
  const stat: Stat = {
    cid: entry.cid,
    type,
    size: type === 'directory' || type === 'object' ? 0 : Number(entry.size)
  }
  if (entry.type === 'file' || entry.type === 'directory') {
    stat.mode = entry.unixfs.mode
    if (entry.unixfs.mtime !== undefined) stat.mtime = entry.unixfs.mtime
  }
  return stat
}
