import drain from 'it-drain'
import parallel from 'it-parallel'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { NotFoundError, IpfsKitError, StorageError } from '../errors/index.ts'
import { probeStatus } from './capabilities.ts'
import { readVerifiedDag } from './dag.ts'
import type { AbortOptions } from '../abort.ts'
import type { BackendCapabilities, BackendKind, CostProfile, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock } from './backend.ts'
import type { Blockstore } from 'interface-blockstore'

/** Options of {@link createBlockstoreBackend}. */
export interface BlockstoreBackendInit {
  /** Instance name. */
  name: string
  /** Kind reported to users (`local`, `ipfs`). */
  kind: BackendKind
  /** Where blocks live. Reads are verified here whatever the store does. */
  blockstore: Blockstore
  /** Cost profile (default: free, 1 ms). */
  cost?: CostProfile
  /** Text of the locator, e.g. `local:blocks` (default `<kind>:<name>`). */
  locatorPrefix?: string
  /** Turn a store error into a typed one (default: `NotFoundError` by name, anything else `StorageError`). */
  translateError?: (err: unknown, cid: CID) => unknown
}

/** `has()` checks a put runs at once before writing (they overlap each other and the walk's reads). */
const HAS_CONCURRENCY = 16
const FREE: CostProfile = { storageUsdPerGbMonth: 0, egressUsdPerGb: 0, latencyMs: 1 }
const CAPABILITIES: BackendCapabilities = { read: true, write: true, delete: true, list: true, streaming: true }
/** The CID `status()` probes with: an inline (identity) CID every store answers for without I/O cost. */
const PROBE_CID = CID.createV1(raw.code, identity.digest(new Uint8Array()))

/** Default translation of blockstore errors: interface-store's `NotFoundError` by name; aborts pass through. */
export function translateBlockstoreError (err: unknown, cid: CID): unknown {
  if (err instanceof IpfsKitError) return err
  if (err instanceof Error && err.name === 'AbortError') return err
  if (err instanceof Error && err.name === 'NotFoundError') return new NotFoundError(`${cid.toString()} is not stored here`)
  return new StorageError(`blockstore failed on ${cid.toString()}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
}

/**
 * A {@link StorageBackend} over any blockstore (`blocks` layout): the browser's IndexedDB store, the relay's
 * filesystem store, or a network-backed store. `put` walks the source DAG, verifying every block; a failed put is
 * not acknowledged but deletes nothing (another upload may have written and pinned the same blocks); `get` walks the DAG back out, verifying every block; `delete` removes
 * the root block (shared children are left to garbage collection, since other DAGs may use them).
 *
 * @example
 * ```ts
 * const local = createBlockstoreBackend({ name: 'local', kind: 'local', blockstore: new MemoryBlockstore() })
 * await local.put(root, source)
 * ```
 */
export function createBlockstoreBackend (init: BlockstoreBackendInit): StorageBackend {
  const { blockstore } = init
  const translate = init.translateError ?? translateBlockstoreError
  const locator = (cid: CID): string => `${init.locatorPrefix ?? `${init.kind}:${init.name}`}/${cid.toString()}`

  async function * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    try {
      yield * readVerifiedDag(blockstore, root, options)
    } catch (err) {
      throw translate(err, root)
    }
  }

  return {
    name: init.name,
    kind: init.kind,
    layout: 'blocks',
    capabilities: CAPABILITIES,
    cost: init.cost ?? FREE,

    async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
      options.signal?.throwIfAborted()
      let size = 0
      // ask the store whether each block is there several at a time (one `access` per block on the filesystem), in
      // walk order, and hand on only the blocks it lacks
      const checks = async function * (): AsyncGenerator<() => Promise<{ block: VerifiedBlock, stored: boolean }>> {
        for await (const block of readVerifiedDag(source, root, options)) {
          size += block.bytes.byteLength
          yield async () => ({ block, stored: await blockstore.has(block.cid, options) })
        }
      }
      const fresh = async function * (): AsyncGenerator<VerifiedBlock> {
        for await (const { block, stored } of parallel(checks(), { concurrency: HAS_CONCURRENCY, ordered: true })) {
          if (!stored) yield block
        }
      }
      try {
        // putMany lets the store write in parallel (the fs store writes 16 blocks at once)
        await drain(blockstore.putMany(fresh(), options))
      } catch (err) {
        // nothing is acknowledged (no copy is recorded), and nothing is deleted: every block written was verified,
        // and the same block may have been written and pinned meanwhile by another upload into this store
        throw translate(err, root)
      }
      return { cid: root, size, locator: locator(root) }
    },

    get,

    async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
      options.signal?.throwIfAborted()
      return blockstore.has(root, options)
    },

    async delete (root: CID, options: AbortOptions = {}): Promise<void> {
      options.signal?.throwIfAborted()
      try {
        await blockstore.delete(root, options)
      } catch (err) {
        const typed = translate(err, root)
        if (typed instanceof NotFoundError) return
        throw typed
      }
    },

    async * list (options: AbortOptions = {}): AsyncGenerator<CID> {
      options.signal?.throwIfAborted()
      for await (const { cid } of blockstore.getAll(options)) {
        options.signal?.throwIfAborted()
        yield cid
      }
    },

    async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
      options.signal?.throwIfAborted()
      if (!await blockstore.has(root, options)) throw new NotFoundError(`${root.toString()} is not stored in ${init.name}`)
      let size = 0
      for await (const block of get(root, options)) size += block.bytes.byteLength
      return { cid: root, size, locator: locator(root) }
    },

    async status (options: AbortOptions = {}) {
      return probeStatus(async probe => {
        await blockstore.has(PROBE_CID, probe)
        return undefined
      }, options)
    }
  }
}

/** Options of {@link createLocalBackend}. */
export type LocalBackendInit = Omit<BlockstoreBackendInit, 'kind'>

/**
 * The node's own blockstore as a backend (IndexedDB in a browser, the filesystem on a relay): free, fast, and
 * where the storage manager keeps the first copy of everything.
 *
 * @example
 * ```ts
 * const local = createLocalBackend({ name: 'local', blockstore: node.blockstore })
 * ```
 */
export function createLocalBackend (init: LocalBackendInit): StorageBackend {
  return createBlockstoreBackend({ ...init, kind: 'local', locatorPrefix: init.locatorPrefix ?? 'local' })
}
