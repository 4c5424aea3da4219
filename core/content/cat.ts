import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { collectBlock } from '../blocks/bytes.ts'
import { InvalidRangeError, NotAFileError, UnsupportedCodecError } from '../errors/index.ts'
import { translateExporterError } from './exporter-errors.ts'
import { resolveEntry } from './read.ts'
import type { AbortOptions } from '../abort.ts'
import type { CatOptions } from './types.ts'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Blocks fetched (and verified) ahead of the reader while streaming a file. */
export const DEFAULT_BLOCK_READ_CONCURRENCY = 8

/** The bytes wanted: `[start, end)` within the file. */
interface ByteRange { start: number, end: number }

/** A child of a file node, with the file offset its bytes start at. */
interface Child { cid: CID, position: number, size: number }

function checkRange (options: CatOptions, size: number): { offset: number, length: number } {
  const offset = options.offset ?? 0
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidRangeError(`offset must be a non-negative integer, got ${offset}`)
  if (offset > size) throw new InvalidRangeError(`offset ${offset} is past the end of a ${size} byte file`)
  const length = options.length ?? size - offset
  if (!Number.isSafeInteger(length) || length < 0) throw new InvalidRangeError(`length must be a non-negative integer, got ${length}`)
  return { offset, length: Math.min(length, size - offset) }
}

/**
 * Stream a file's bytes (optionally a byte range). Every block is read through the caller's (verified) blockstore.
 *
 * @example
 * ```ts
 * for await (const chunk of catFile(blocks, cid, { offset: 10, length: 100 })) { ... }
 * ```
 */
export async function * catFile (blockstore: ReadableStorage, target: CID | string, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  yield * catEntry(blockstore, await resolveEntry(blockstore, target, options), target, options)
}

/**
 * Stream the bytes of an entry already resolved (by `resolveEntry`, from the same verified store), so a caller that
 * needed the entry's stat first does not resolve it twice. `target` names it in errors.
 */
export async function * catEntry (blockstore: ReadableStorage, entry: UnixFSEntry, target: CID | string, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  if (entry.type !== 'file' && entry.type !== 'raw' && entry.type !== 'identity') {
    throw new NotAFileError(`${String(target)} is a ${entry.type}, not a file`)
  }
  const { offset, length } = checkRange(options, Number(entry.size))
  if (length === 0) return
  try {
    if (entry.type !== 'file') {
      // a raw or identity block is the file: a view of the bytes the resolution already holds (verified), no copy
      yield entry.node.subarray(offset, offset + length)
      return
    }
    let read = 0
    for await (const chunk of fileBytes(blockstore, entry.node, 0, { start: offset, end: offset + length }, options)) {
      read += chunk.byteLength
      yield chunk
    }
    if (read !== length) throw new UnsupportedCodecError(`${String(target)}: the DAG holds ${read} of the ${length} bytes its sizes promise`)
  } catch (err) {
    throw translateExporterError(err, `cannot read ${String(target)}`)
  }
}

/**
 * The bytes of the UnixFS file node `node` (whose first byte is at file offset `position`) that fall in `range`,
 * in order. Children are fetched `DEFAULT_BLOCK_READ_CONCURRENCY` at a time ahead of the reader, and each leaf's
 * bytes are handed on as a view of the block the store returned: no copy. (`ipfs-unixfs-exporter` copies every
 * block once more, through `it-to-buffer`, and reads ahead without bound.)
 */
async function * fileBytes (store: ReadableStorage, node: dagPb.PBNode, position: number, range: ByteRange, options: AbortOptions): AsyncGenerator<Uint8Array> {
  const file = unixfsOf(node)
  if (file.data !== undefined && file.data.byteLength > 0) {
    yield * slice(file.data, position, range)
    position += file.data.byteLength
  }
  if (node.Links.length !== file.blockSizes.length) throw new UnsupportedCodecError('not a UnixFS file: block sizes and links differ in number')
  const children: Child[] = []
  for (let i = 0; i < node.Links.length && position < range.end; i++) {
    const size = Number(file.blockSizes[i])
    const link = node.Links[i]
    if (link !== undefined && position + size > range.start) children.push({ cid: link.Hash, position, size })
    position += size
  }
  for await (const { child, block } of readAhead(store, children, options)) {
    options.signal?.throwIfAborted()
    if (child.cid.code === raw.code) {
      if (block.byteLength !== child.size) throw new UnsupportedCodecError(`not a UnixFS file: leaf ${child.cid.toString()} holds ${block.byteLength} bytes, its parent says ${child.size}`)
      yield * slice(block, child.position, range)
    } else if (child.cid.code === dagPb.code) {
      yield * fileBytes(store, dagPb.decode(block), child.position, range, options)
    } else {
      throw new UnsupportedCodecError(`not a UnixFS file: child ${child.cid.toString()} has codec 0x${child.cid.code.toString(16)}`)
    }
  }
}

function unixfsOf (node: dagPb.PBNode): UnixFS {
  if (node.Data === undefined) throw new UnsupportedCodecError('not a UnixFS node: no data')
  try {
    return UnixFS.unmarshal(node.Data)
  } catch (err) {
    throw new UnsupportedCodecError(`not a UnixFS node: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** The part of `bytes` (starting at file offset `position`) inside `range`, if any. */
function * slice (bytes: Uint8Array, position: number, range: ByteRange): Generator<Uint8Array> {
  const from = Math.max(range.start - position, 0)
  const to = Math.min(range.end - position, bytes.byteLength)
  if (to > from) yield bytes.subarray(from, to)
}

/** Fetches `children` in order with up to `DEFAULT_BLOCK_READ_CONCURRENCY` reads in flight. */
async function * readAhead (store: ReadableStorage, children: Child[], options: AbortOptions): AsyncGenerator<{ child: Child, block: Uint8Array }> {
  const inFlight: Array<Promise<Uint8Array>> = []
  let next = 0
  const start = (): void => {
    const child = children[next++]
    if (child === undefined) return
    const read = collectBlock(store.get(child.cid, options))
    read.catch(() => {}) // a read still in flight when the reader stops is dropped; awaited reads report errors
    inFlight.push(read)
  }
  while (next < children.length && inFlight.length < DEFAULT_BLOCK_READ_CONCURRENCY) start()
  for (const child of children) {
    const read = inFlight.shift()
    if (read === undefined) break
    const block = await read
    start()
    yield { child, block }
  }
}
