import { join } from 'node:path'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'

/**
 * The on-disk layout of {@link FsBlockstore}, documented so other tools can read a store:
 *
 * ```
 * <root>/blocks/<shard>/<key>.data   one file per block, its exact bytes
 * <root>/tmp/                        writes in progress (emptied on open)
 * ```
 * `<key>` is the base32 (RFC 4648, lower case, no padding, no multibase prefix) encoding of the block's multihash,
 * so blocks are keyed by hash, not by CID codec; `<shard>` is the two characters before the key's last one, as
 * go-ipfs's flatfs `next-to-last/2` sharding does (1,024 directories, evenly filled).
 */
export const BLOCKS_DIR = 'blocks'
export const TMP_DIR = 'tmp'
export const BLOCK_SUFFIX = '.data'

/** The file key of a CID: base32 of its multihash. */
export function blockKey (cid: CID): string {
  return base32.baseEncode(cid.multihash.bytes)
}

/** The shard directory name of a key. */
export function shardOf (key: string): string {
  const padded = key.padStart(3, '_')
  return padded.slice(-3, -1)
}

/** The path of a block file under `root`. */
export function blockPath (root: string, key: string): string {
  return join(root, BLOCKS_DIR, shardOf(key), key + BLOCK_SUFFIX)
}

/** Rebuild a CIDv1 (raw codec) from a block file name, or undefined when the name is not one of ours. */
export function cidFromFileName (name: string): CID | undefined {
  if (!name.endsWith(BLOCK_SUFFIX)) return undefined
  try {
    const bytes = base32.baseDecode(name.slice(0, -BLOCK_SUFFIX.length))
    return CID.createV1(raw.code, Digest.decode(bytes))
  } catch {
    return undefined
  }
}
