import { VerifiedBlockstore } from '../blocks/verified.ts'
import { DEFAULT_MAX_BLOCK_SIZE } from '../blocks/limits.ts'
import { addFile, addTree } from './add.ts'
import { exportCar, importCar } from './car.ts'
import type { AddComponents } from './add.ts'
import type { SpoolFactory } from './block-spool.ts'
import type { LeafHasher } from './leaf-hasher.ts'
import { catEntry, catFile } from './cat.ts'
import { listDirectory } from './ls.ts'
import { resolveEntry } from './read.ts'
import { statEntry, statOf } from './stat.ts'
import type { AbortOptions } from '../abort.ts'
import type { AddEntry, AddOptions, AddResult, AddSource, CarImportResult, CatOptions, LsEntry, OpenedEntry, Stat, StatOptions } from './types.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Options for {@link createContentStore}. */
export interface ContentStoreInit {
  /** Where blocks live (memory, fs, IndexedDB, tiered...). Reads from it are always verified. */
  blockstore: Blockstore
  /** Largest block accepted on read or write (default 2 MiB). */
  maxBlockSize?: number
  /** Called when a stored block fails verification on read. */
  onCorruptBlock?: (cid: CID, error: Error) => void | Promise<void>
  /** Where CAR imports keep verified blocks until the whole CAR is checked (default: memory). */
  spool?: SpoolFactory
  /**
   * Adds reuse a leaf's buffer for a later leaf once its put resolved (default false), which spares a copy into
   * fresh memory per leaf. Set it only when every `put` of `blockstore` has written or copied the bytes and keeps
   * no reference to them by the time it resolves: true of the fs and IndexedDB blockstores and the worker's
   * (which copies before posting), and of Helia's blockstore over them; not of a memory blockstore or a write cache.
   */
  reuseLeafBuffers?: boolean
  /**
   * Hashes the raw leaves of adds (default: SHA-256 on this thread). The browser node passes one that hashes in
   * workers (`app/content/worker-leaf-hasher.ts`).
   */
  leafHasher?: LeafHasher
}

/**
 * Content-addressed files and directories over any blockstore: UnixFS add (CIDv1, raw leaves, the
 * `unixfs-v1-2025` profile), verified cat with byte ranges, ls, stat, and CAR export/import.
 *
 * Writes from `add` go straight to the blockstore (the importer derived each CID from those very bytes);
 * every read, and every block arriving from outside (CARs, `putBlock`), is verified against its CID.
 */
export class ContentStore {
  /** The blockstore as given (unverified). */
  readonly blockstore: Blockstore
  /** The verified view every read goes through. */
  readonly blocks: VerifiedBlockstore
  readonly maxBlockSize: number

  private readonly spool?: SpoolFactory
  private readonly reuseLeafBuffers: boolean
  private readonly leafHasher: LeafHasher | undefined

  constructor (init: ContentStoreInit) {
    this.blockstore = init.blockstore
    this.spool = init.spool
    this.reuseLeafBuffers = init.reuseLeafBuffers ?? false
    this.leafHasher = init.leafHasher
    this.maxBlockSize = init.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE
    this.blocks = new VerifiedBlockstore(init.blockstore, { maxBlockSize: this.maxBlockSize, onCorruptBlock: init.onCorruptBlock })
  }

  /** Add one file (bytes, a chunk stream, or a Blob/File). Resolves when all its blocks are stored. */
  async add (source: AddSource, options?: AddOptions): Promise<AddResult> {
    return addFile(this.addComponents(), source, options)
  }

  /** Add a tree of files and directories; the wrapping directory comes last with `path: ''`. */
  addAll (entries: Iterable<AddEntry> | AsyncIterable<AddEntry>, options?: AddOptions): AsyncGenerator<AddResult> {
    return addTree(this.addComponents(), entries, options)
  }

  private addComponents (): AddComponents {
    return {
      blockstore: this.blockstore,
      maxBlockSize: this.maxBlockSize,
      reuseLeafBuffers: this.reuseLeafBuffers,
      ...(this.leafHasher === undefined ? {} : { leafHasher: this.leafHasher })
    }
  }

  /** Stream a file's bytes, or a byte range of them. Accepts a CID or `<cid>/path/in/dir`. */
  cat (target: CID | string, options?: CatOptions): AsyncGenerator<Uint8Array> {
    return catFile(this.blocks, target, options)
  }

  /**
   * Resolve a CID or `<cid>/path` once, for a reader that needs its stat before its bytes (a ranged HTTP read): the
   * root block is read and verified once instead of once for `stat` and again for `cat`.
   */
  async open (target: CID | string, options?: AbortOptions): Promise<OpenedEntry> {
    const entry = await resolveEntry(this.blocks, target, options)
    const bytes = entry.type === 'raw' || entry.type === 'identity' ? entry.node : undefined
    return { stat: statOf(entry), cat: (catOptions) => catEntry(this.blocks, entry, target, catOptions), ...(bytes === undefined ? {} : { bytes }) }
  }

  /** List a directory. */
  ls (target: CID | string, options?: AbortOptions): AsyncGenerator<LsEntry> {
    return listDirectory(this.blocks, target, options)
  }

  /** Type, size and metadata of a node; with `withDagSize`, its block count and DAG bytes. */
  async stat (target: CID | string, options?: StatOptions): Promise<Stat> {
    return statEntry(this.blocks, target, options)
  }

  /** Stream the DAG under `root` as a CARv1. */
  exportCar (root: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    return exportCar(this.blocks, root, options)
  }

  /** Import a CAR, verifying every block first; a bad CAR leaves nothing behind. */
  async importCar (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options?: AbortOptions): Promise<CarImportResult> {
    return importCar(this.blockstore, source, { ...options, maxBlockSize: this.maxBlockSize, spool: this.spool })
  }

  /** Read one block, verified. */
  async getBlock (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    for await (const bytes of this.blocks.get(cid, options)) return bytes
    throw new Error('unreachable: verified get yields exactly one chunk')
  }

  /** Store one block from outside, verified against its CID and the size limit first. */
  async putBlock (cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<CID> {
    return this.blocks.put(cid, bytes, options)
  }

  /** Whether a block is stored locally. */
  async hasBlock (cid: CID, options?: AbortOptions): Promise<boolean> {
    return this.blocks.has(cid, options)
  }
}

/**
 * Create a content store over a blockstore.
 *
 * @example
 * ```ts
 * const content = createContentStore({ blockstore: new MemoryBlockstore() })
 * const { cid } = await content.add(new TextEncoder().encode('hello'))
 * for await (const chunk of content.cat(cid)) console.log(chunk)
 * ```
 */
export function createContentStore (init: ContentStoreInit): ContentStore {
  return new ContentStore(init)
}
