import { importer } from 'ipfs-unixfs-importer'
import { InvalidInputError } from '../errors/index.ts'
import { importerOptions } from './importer-options.ts'
import { knownLength, ProgressCounter, toByteStream } from './source.ts'
import type { AddEntry, AddOptions, AddResult, AddSource } from './types.ts'
import type { LeafHasher } from './leaf-hasher.ts'
import type { RewriteOptions } from '../blocks/put-options.ts'
import type { Blockstore } from 'interface-blockstore'
import type { ImportCandidate, ImportResult, WritableStorage } from 'ipfs-unixfs-importer'

/** What an add needs: where blocks go and the block size limit. */
export interface AddComponents {
  /** Trusted write path: the importer hashed these bytes itself, so they are not hashed again. */
  blockstore: Pick<Blockstore, 'put'>
  maxBlockSize: number
  /** Reuse leaf buffers once written (see `ContentStoreInit.reuseLeafBuffers`). */
  reuseLeafBuffers?: boolean
  /** Hashes raw leaves (see `ContentStoreInit.leafHasher`). */
  leafHasher?: LeafHasher
}

function writer (components: AddComponents, options: AddOptions): WritableStorage {
  const { signal, onBlockStored } = options
  return {
    put: async (cid, bytes) => {
      signal?.throwIfAborted()
      // blocks just made: a duplicate check need not wait for writes in flight (see RewriteOptions)
      const putOptions: RewriteOptions = { signal, mayRewrite: true }
      const stored = await components.blockstore.put(cid, bytes, putOptions)
      onBlockStored?.(cid)
      return stored
    }
  }
}

/**
 * Add one file's bytes as a UnixFS DAG (CIDv1, raw leaves). Resolves once every block is stored.
 *
 * @example
 * ```ts
 * const { cid } = await addFile(components, new TextEncoder().encode('hello'))
 * ```
 */
export async function addFile (components: AddComponents, source: AddSource, options: AddOptions = {}): Promise<AddResult> {
  options.signal?.throwIfAborted()
  const progress = new ProgressCounter(knownLength(source), options.onProgress)
  const { settings, pool } = importerOptions(options, components.maxBlockSize, components.reuseLeafBuffers, components.leafHasher)
  settings.wrapWithDirectory = false
  const candidate = { content: progress.count(toByteStream(source, pool), undefined, options.signal) }
  let last: AddResult | undefined
  for await (const entry of importer([candidate], writer(components, options), settings)) {
    last = toResult(entry)
  }
  if (last === undefined) throw new InvalidInputError('nothing was imported')
  return last
}

/** Files report their content size; directories the cumulative DAG size. */
function toResult (entry: ImportResult): AddResult {
  const size = entry.unixfs?.type === 'file' ? entry.unixfs.fileSize() : entry.size
  return { cid: entry.cid, path: entry.path ?? '', size: Number(size) }
}

/** Reject paths that would escape the tree or are empty. */
function checkedPath (path: string): string {
  const clean = path.replace(/\\/g, '/').replace(/^\/+/, '')
  if (clean.length === 0) throw new InvalidInputError('entry path is empty')
  if (clean.split('/').some(part => part === '..' || part === '.')) {
    throw new InvalidInputError(`entry path "${path}" may not contain "." or ".." segments`)
  }
  return clean
}

/**
 * Add a tree of files and directories. Yields a result per entry, then (with `wrapWithDirectory`, the default)
 * the wrapping root directory last with `path: ''`.
 */
export async function * addTree (components: AddComponents, entries: Iterable<AddEntry> | AsyncIterable<AddEntry>, options: AddOptions = {}): AsyncGenerator<AddResult> {
  options.signal?.throwIfAborted()
  const progress = new ProgressCounter(undefined, options.onProgress)
  const { settings, pool } = importerOptions(options, components.maxBlockSize, components.reuseLeafBuffers, components.leafHasher)
  const candidates = async function * (): AsyncGenerator<ImportCandidate> {
    for await (const entry of entries) {
      const path = checkedPath(entry.path)
      const meta = { mtime: entry.mtime, mode: entry.mode }
      if (entry.content === undefined) {
        yield { path, ...meta }
      } else {
        yield { path, content: progress.count(toByteStream(entry.content, pool), path, options.signal), ...meta }
      }
    }
  }
  for await (const entry of importer(candidates(), writer(components, options), settings)) {
    yield toResult(entry)
  }
}
