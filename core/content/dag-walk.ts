import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { createUnsafe } from 'multiformats/block'
import * as raw from 'multiformats/codecs/raw'
import { multihashKey } from '../blocks/block-key.ts'
import { UnsupportedCodecError } from '../errors/index.ts'
import { collectBlock } from '../blocks/bytes.ts'
import type { AbortOptions } from '../abort.ts'
import type { Blockstore } from 'interface-blockstore'
import type { BlockCodec } from 'multiformats/codecs/interface'
import type { CID } from 'multiformats/cid'

/** Codecs whose links we can follow, by multicodec code. */
const CODECS = new Map<number, BlockCodec<number, unknown>>([
  [dagPb.code, dagPb],
  [raw.code, raw],
  [dagCbor.code, dagCbor],
  [dagJson.code, dagJson]
])

/** One block of a DAG, as read (and verified) from the store. */
export interface DagBlock {
  cid: CID
  bytes: Uint8Array
}

/** The CIDs a block links to, in order. */
export function linksOf (cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code === raw.code) return []
  if (cid.code === dagPb.code) return dagPb.decode(bytes).Links.map(link => link.Hash)
  const codec = CODECS.get(cid.code)
  if (codec === undefined) throw new UnsupportedCodecError(`cannot follow links of codec 0x${cid.code.toString(16)} in ${cid.toString()}`)
  const block = createUnsafe({ bytes, cid, codec, value: codec.decode(bytes) })
  return [...block.links()].map(([, link]) => link)
}

/** Blocks read (and, through a verifying store, hashed) ahead of the walk by default. */
export const DEFAULT_DAG_READ_AHEAD = 8

/** Options of {@link walkDag}. */
export interface WalkDagOptions extends AbortOptions {
  /**
   * Blocks read ahead of the one being yielded (default {@link DEFAULT_DAG_READ_AHEAD}; 1 reads one at a time). The
   * next blocks of the walk are known from the links already read, so their reads (and the hashing a verifying store
   * does) overlap the consumer's work and each other.
   */
  readAhead?: number
}

/**
 * Walk every block of the DAG under `root`, depth-first in link order (the order a CAR export uses), each
 * block once. Reads go through `blockstore`, so pass a verified one. Up to `readAhead` of the next blocks are read
 * at once; they are still yielded in walk order, and a failed read fails the walk only when its block's turn comes.
 */
export async function * walkDag (blockstore: Pick<Blockstore, 'get'>, root: CID, options: WalkDagOptions = {}): AsyncGenerator<DagBlock> {
  const readAhead = Math.max(1, options.readAhead ?? DEFAULT_DAG_READ_AHEAD)
  const seen = new Set<string>()
  const stack: CID[] = [root]
  const reading = new Map<string, Promise<Uint8Array>>()
  const read = (cid: CID, key: string): Promise<Uint8Array> => {
    let bytes = reading.get(key)
    if (bytes === undefined) {
      bytes = collectBlock(blockstore.get(cid, options))
      bytes.catch(() => {}) // its error is thrown when the block's turn comes, or never if the walk stops first
      reading.set(key, bytes)
    }
    return bytes
  }
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const cid = stack.pop()
    if (cid === undefined) break
    const key = multihashKey(cid)
    if (seen.has(key)) continue
    seen.add(key)
    const next = read(cid, key)
    // the stack's top is what the walk visits next: start those reads now
    for (let i = stack.length - 1; i >= 0 && reading.size < readAhead; i--) {
      const ahead = stack[i]
      if (ahead === undefined) continue
      const aheadKey = multihashKey(ahead)
      if (!seen.has(aheadKey)) void read(ahead, aheadKey)
    }
    const bytes = await next
    reading.delete(key)
    yield { cid, bytes }
    const links = linksOf(cid, bytes)
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i]
      if (link !== undefined) stack.push(link)
    }
  }
}
