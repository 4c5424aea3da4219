import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import type { BufferImporter, BufferImporterResult } from 'ipfs-unixfs-importer'

/** Hashes one block with SHA-256 and returns the 32-byte digest. */
export type Sha256 = (bytes: Uint8Array) => Promise<Uint8Array>

/** WebCrypto's SHA-256 when the runtime has it (browsers, Node ≥ 19), else multiformats' own. */
function defaultSha256 (): Sha256 {
  const subtle = globalThis.crypto?.subtle
  if (subtle !== undefined) return async bytes => new Uint8Array(await subtle.digest('SHA-256', bytes))
  return async bytes => (await sha256.digest(bytes)).digest
}

/**
 * A raw-leaf buffer importer for `ipfs-unixfs-importer` that starts hashing and storing each leaf as soon as the
 * importer pulls it, instead of when the importer later runs the job: the importer pulls a batch of
 * `blockWriteConcurrency` leaves before it runs any, so the default importer reads the whole batch, then hashes
 * and writes it, then reads again. Here reading the next leaf overlaps hashing and writing the previous ones.
 * The leaves and their CIDs are exactly the default's (CIDv1, raw codec, SHA-256).
 */
export function rawLeafImporter (hash: Sha256 = defaultSha256()): BufferImporter {
  return async function * importLeaves (file, blockstore) {
    for await (const block of file.content) {
      const stored = (async (): Promise<BufferImporterResult> => {
        const cid = CID.createV1(raw.code, Digest.create(sha256.code, await hash(block)))
        await blockstore.put(cid, block)
        return { cid, size: BigInt(block.byteLength), block }
      })()
      // the importer may stop pulling (error, abort) before it awaits this job; its failure is reported there
      stored.catch(() => {})
      yield async () => stored
    }
  }
}
