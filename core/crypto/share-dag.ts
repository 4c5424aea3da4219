import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidInputError, NotAFileError } from '../errors/index.ts'
import type { AbortOptions } from '../abort.ts'

/** Read and write single blocks (a Helia blockstore, or the relay's block API from the CLI). */
export interface BlockAccess {
  get: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
  /** Store a block under `cid` (whoever stores it verifies the bytes against the CID). */
  put: (cid: CID, bytes: Uint8Array, options?: AbortOptions) => Promise<void>
}

async function cidFor (like: CID, code: number, bytes: Uint8Array): Promise<CID> {
  const digest = await sha256.digest(bytes)
  return like.version === 0 && code === dagPb.code ? CID.createV0(digest) : CID.createV1(code, digest)
}

function overwrite (bytes: Uint8Array, head: Uint8Array): { bytes: Uint8Array<ArrayBuffer>, rest: Uint8Array } {
  const out = new Uint8Array(bytes)
  const n = Math.min(head.length, out.length)
  out.set(head.subarray(0, n))
  return { bytes: out, rest: head.subarray(n) }
}

/** Rewrite the first bytes of the file under `cid`; returns the new CID and the part of `head` not yet written. */
async function rewrite (cid: CID, head: Uint8Array, blocks: BlockAccess, options?: AbortOptions): Promise<{ cid: CID, rest: Uint8Array }> {
  options?.signal?.throwIfAborted()
  const bytes = await blocks.get(cid, options)
  if (cid.code === raw.code) {
    const written = overwrite(bytes, head)
    const next = await cidFor(cid, raw.code, written.bytes)
    await blocks.put(next, written.bytes, options)
    return { cid: next, rest: written.rest }
  }
  if (cid.code !== dagPb.code) throw new NotAFileError(`${cid.toString()} is not a UnixFS file`)
  const node = dagPb.decode(bytes)
  const unixfs = node.Data === undefined ? undefined : UnixFS.unmarshal(node.Data)
  if (unixfs === undefined || (unixfs.type !== 'file' && unixfs.type !== 'raw')) throw new NotAFileError(`${cid.toString()} is not a UnixFS file`)
  let rest = head
  if (unixfs.data !== undefined && unixfs.data.length > 0) {
    const written = overwrite(unixfs.data, rest)
    unixfs.data = written.bytes
    rest = written.rest
  }
  const links = [...node.Links]
  for (let i = 0; i < links.length && rest.length > 0; i++) {
    const link = links[i]
    if (link === undefined) break
    const child = await rewrite(link.Hash, rest, blocks, options)
    links[i] = { ...link, Hash: child.cid }
    rest = child.rest
  }
  const encoded = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal(), Links: links }))
  const next = await cidFor(cid, dagPb.code, encoded)
  await blocks.put(next, encoded, options)
  return { cid: next, rest }
}

/**
 * A new UnixFS file that is the file at `root` with its first `head.length` bytes replaced (a share's new age
 * header, the same size as the old one): only the blocks on the path to those bytes are rewritten and stored; every
 * other block, the whole payload, is shared with the original. Returns the new root's CID.
 */
export async function replaceFileHead (root: CID, head: Uint8Array, blocks: BlockAccess, options?: AbortOptions): Promise<CID> {
  const { cid, rest } = await rewrite(root, head, blocks, options)
  if (rest.length > 0) throw new InvalidInputError(`the file ${root.toString()} is shorter than the ${head.length} bytes to replace`)
  return cid
}
