import type { AbortOptions } from '../abort.ts'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

/** Bytes to add: one array, a (sync or async) stream of chunks, or a Blob/File. */
export type AddSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | Blob

/** One entry of a directory tree to add; entries without `content` are directories. */
export interface AddEntry {
  /** Path inside the tree, `/`-separated, e.g. `photos/2026/cat.jpg`. */
  path: string
  /** File bytes; omit for an (empty) directory. */
  content?: AddSource
  mtime?: Mtime
  mode?: number
}

/** Progress of an add, reported as bytes are read from the source. */
export interface AddProgress {
  /** Bytes read so far from all files of this add. */
  bytes: number
  /** Total bytes when known (Blob/Uint8Array sources), else undefined. */
  total?: number
  /** Path of the file being read, for tree adds. */
  path?: string
}

/** Chunking of file bytes into leaf blocks. */
export type ChunkerOptions =
  | { type: 'fixed', size?: number }
  | { type: 'rabin', avgSize?: number, minSize?: number, maxSize?: number }

/** Options for `add` and `addAll`. */
export interface AddOptions extends AbortOptions {
  /** Leaf chunker (default fixed 1 MiB, the `unixfs-v1-2025` profile). */
  chunker?: ChunkerOptions
  /** Max links per DAG node (default 1024, the `unixfs-v1-2025` profile). */
  maxChildrenPerNode?: number
  /** Blocks written concurrently (default 16). */
  blockWriteConcurrency?: number
  /** For `addAll`: files imported at once (default 4; use 1 when entries arrive one after another on one stream). */
  fileImportConcurrency?: number
  /**
   * CID version (default 1, the `unixfs-v1-2025` profile). 0 selects Kubo's legacy `unixfs-v0-2015` profile (256 KiB
   * chunks, 174 links per node, dag-pb leaves), so `ipfs add` and ipfs-kit give the same CIDs.
   */
  cidVersion?: 0 | 1
  /** Raw leaves (default true with CIDv1; CIDv0 cannot have them). */
  rawLeaves?: boolean
  /** For `addAll`: wrap the entries in a directory and return it last (default true). */
  wrapWithDirectory?: boolean
  /** Called as bytes are read. */
  onProgress?: (progress: AddProgress) => void
  /** Told of each block once the blockstore has stored it (the service's pin then need not ask the store again). */
  onBlockStored?: (cid: CID) => void
}

/** The outcome of adding one file or directory. */
export interface AddResult {
  cid: CID
  /** Path inside the tree for `addAll` results; empty string for the wrapping root. */
  path: string
  /** File bytes (files) or cumulative DAG size (directories), as UnixFS reports it. */
  size: number
}

/** Options for `cat`: a byte range and a signal. */
export interface CatOptions extends AbortOptions {
  /** First byte to return (default 0). */
  offset?: number
  /** Number of bytes to return (default: to the end). */
  length?: number
}

/** The kind of node a CID (plus path) resolves to. */
export type EntryType = 'file' | 'directory' | 'raw' | 'symlink' | 'object'

/** One child of a directory. */
export interface LsEntry {
  name: string
  /** Path from the listed root, e.g. `<cid>/photos/cat.jpg`. */
  path: string
  cid: CID
  type: EntryType
  /** File size in bytes; 0 for directories. */
  size: number
}

/** Facts about a node. */
export interface Stat {
  cid: CID
  type: EntryType
  /** File content size in bytes (0 for directories). */
  size: number
  /** Bytes of blocks in the DAG, counted only when `withDagSize` is asked for. */
  dagSize?: number
  /** Number of blocks in the DAG, counted only when `withDagSize` is asked for. */
  blocks?: number
  /** Whether every block of the DAG is present locally (only with `withDagSize`). */
  local?: boolean
  mode?: number
  mtime?: Mtime
}

/** A file resolved once: its stat, and its bytes (or a range of them) without resolving it again. */
export interface OpenedEntry {
  stat: Stat
  /** Stream the bytes (`NotAFileError` for a directory or an IPLD node). */
  cat: (options?: CatOptions) => AsyncGenerator<Uint8Array>
  /** The whole file, when it is one block already read and verified (a raw or identity CID): no stream needed. */
  bytes?: Uint8Array
}

/** Options for `stat`. */
export interface StatOptions extends AbortOptions {
  /** Walk the whole DAG to count blocks and bytes (costs a read of every block). */
  withDagSize?: boolean
}

/** The outcome of a CAR import. */
export interface CarImportResult {
  roots: CID[]
  /** Blocks in the CAR (all verified). */
  blocks: number
  /** Blocks that were not already stored. */
  newBlocks: number
  /** Bytes of block data in the CAR. */
  bytes: number
}
