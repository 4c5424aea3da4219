import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { BufferImporter, BufferImporterResult } from 'ipfs-unixfs-importer'

/**
 * A raw-leaf buffer importer for `ipfs-unixfs-importer` that hashes each leaf and starts storing it as soon as the
 * importer pulls it, rather than when the importer later runs the job. The importer pulls a whole batch of
 * `blockWriteConcurrency` leaves before it runs any, so with its default buffer importer an add reads a batch,
 * then hashes it, then writes it, one after the other; here the next read (and the writes already started)
 * overlap the hashing of this leaf. The leaves and CIDs are exactly the default's (CIDv1, raw codec, SHA-256).
 *
 * SHA-256 comes from multiformats, which is node:crypto in Node (synchronous, no copy) and WebCrypto in browsers.
 */
export function rawLeafImporter (): BufferImporter {
  return async function * importLeaves (file, blockstore) {
    for await (const block of file.content) {
      const stored = storeLeaf(block, blockstore)
      // the importer may stop pulling (error, abort) before it awaits this job; the failure is reported there
      stored.catch(() => {})
      yield async () => stored
    }
  }
}

async function storeLeaf (block: Uint8Array, blockstore: Parameters<BufferImporter>[1]): Promise<BufferImporterResult> {
  const cid = CID.createV1(raw.code, await sha256.digest(block))
  await blockstore.put(cid, block)
  return { cid, size: BigInt(block.byteLength), block }
}
