import { CID } from 'multiformats/cid'
import { verifyBlock } from '../../core/blocks/verify.ts'
import { transfer } from 'comlink'
import { collectBlock, concatChunks } from '../../core/blocks/bytes.ts'
import { IdbBlockstore } from '../blocks/idb-blockstore.ts'
import type { IdbBlockstoreInit } from '../blocks/idb-blockstore.ts'
import type { Pair } from 'interface-blockstore'

/** One stored block as it crosses the worker boundary: the CID's bytes and the block's bytes. */
export interface WireBlock {
  cid: Uint8Array
  bytes: Uint8Array
}

/**
 * What the storage worker offers the main thread (through comlink). CIDs travel as their bytes; a missing block is
 * `undefined` rather than an error, because errors lose their class and `code` crossing `postMessage`.
 */
export interface BlockStorageApi {
  /** Open (creating if needed) the IndexedDB blockstore `name`. */
  open: (name: string, init?: IdbBlockstoreInit) => Promise<void>
  close: () => Promise<void>
  /** Whether the block is stored; `mayRewrite` as `RewriteOptions.mayRewrite`. */
  has: (cid: Uint8Array, mayRewrite?: boolean) => Promise<boolean>
  /**
   * Store a block given as its parts (`PartBuffers.cut`); with `verify`, the worker first hashes it against the
   * CID (`ERR_BLOCK_CORRUPT` if it differs). Resolves once stored, transferring the parts back for reuse.
   */
  put: (cid: Uint8Array, parts: Uint8Array[], verify: boolean) => Promise<Uint8Array[]>
  get: (cid: Uint8Array) => Promise<Uint8Array | undefined>
  delete: (cid: Uint8Array) => Promise<void>
  /** Start listing every block; returns an id for {@link BlockStorageApi.nextBlocks}. */
  listBlocks: () => Promise<number>
  /** Up to `count` more blocks of the listing `id`; an empty page ends (and forgets) it. */
  nextBlocks: (id: number, count: number) => Promise<WireBlock[]>
  /** Forget a listing before its end. */
  endListing: (id: number) => Promise<void>
}

/**
 * The worker side: an {@link IdbBlockstore} (group-commit writes) whose IndexedDB work and hashing happen off the
 * main thread. Created by `storage-worker.ts`; a plain object so tests can run it without a worker.
 */
export function createBlockStorageHost (): BlockStorageApi {
  let store: IdbBlockstore | undefined
  const listings = new Map<number, AsyncIterator<Pair>>()
  let nextListing = 1

  const opened = (): IdbBlockstore => {
    if (store === undefined) throw new Error('block storage is not open')
    return store
  }

  return {
    open: async (name, init) => {
      if (store !== undefined) return
      const idb = new IdbBlockstore(name, init)
      await idb.open()
      store = idb
    },
    close: async () => {
      listings.clear()
      await store?.close()
      store = undefined
    },
    has: async (cid, mayRewrite) => opened().has(CID.decode(cid), { mayRewrite }),
    put: async (cidBytes, parts, verify) => {
      const cid = CID.decode(cidBytes)
      if (verify) await verifyBlock(cid, concatChunks(parts))
      await opened().put(cid, parts)
      // IndexedDB took its copy when the transaction was written: the buffers can go back
      return transfer(parts, parts.map(part => part.buffer))
    },
    get: async (cid) => {
      const idb = opened()
      const parsed = CID.decode(cid)
      if (!await idb.has(parsed)) return undefined
      return collectBlock(idb.get(parsed))
    },
    delete: async (cid) => { await opened().delete(CID.decode(cid)) },
    listBlocks: async () => {
      const id = nextListing++
      listings.set(id, opened().getAll()[Symbol.asyncIterator]())
      return id
    },
    nextBlocks: async (id, count) => {
      const listing = listings.get(id)
      if (listing === undefined) return []
      const page: WireBlock[] = []
      while (page.length < count) {
        const next = await listing.next()
        if (next.done === true) break
        page.push({ cid: next.value.cid.bytes, bytes: await collectBlock(next.value.bytes) })
      }
      if (page.length === 0) listings.delete(id)
      return page
    },
    endListing: async (id) => {
      await listings.get(id)?.return?.()
      listings.delete(id)
    }
  }
}
