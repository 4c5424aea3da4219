import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { base32 } from 'multiformats/bases/base32'
import { createUnsafe } from 'multiformats/block'
import * as raw from 'multiformats/codecs/raw'
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

/**
 * Walk every block of the DAG under `root`, depth-first in link order (the order a CAR export uses), each
 * block once. Reads go through `blockstore`, so pass a verified one.
 */
export async function * walkDag (blockstore: Pick<Blockstore, 'get'>, root: CID, options: AbortOptions = {}): AsyncGenerator<DagBlock> {
  const seen = new Set<string>()
  const stack: CID[] = [root]
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const cid = stack.pop()
    if (cid === undefined) break
    const key = base32.encode(cid.multihash.bytes)
    if (seen.has(key)) continue
    seen.add(key)
    const bytes = await collectBlock(blockstore.get(cid, options))
    yield { cid, bytes }
    const links = linksOf(cid, bytes)
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i]
      if (link !== undefined) stack.push(link)
    }
  }
}
