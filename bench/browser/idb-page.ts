/**
 * Page side of the IndexedDB benchmark: bundled for the browser and run inside Chromium by `idb-add.ts`.
 * Each measurement writes into a fresh database, times only the writes (data and CIDs are made first), deletes
 * the database, and returns the elapsed milliseconds.
 */
import { unixfs } from '@helia/unixfs'
import { IDBBlockstore } from 'blockstore-idb'
import { createHelia } from 'helia'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { IdbBlockstore, type IdbBlockstoreInit } from '../../app/blocks/idb-blockstore.ts'
import { deleteDatabase, openDatabase, transactionDone } from '../../app/blocks/idb-requests.ts'
import { BLOCK_SIZE, randomBlocks, randomBytes, type AddInput, type PageTiming } from './page-data.ts'
import type { Libp2pOptions } from 'libp2p'

/** Options of the raw IndexedDB measurement. */
export interface RawIdbOptions {
  sizeMiB: number
  /** One transaction for every block (true) or one per block, awaited in turn (false). */
  oneTransaction: boolean
  /** Store values as `Uint8Array` or as their `ArrayBuffer`. */
  valueType: 'uint8array' | 'arraybuffer'
  durability: IDBTransactionDurability
  /** Bytes per block (default 256 KiB). */
  blockSize?: number
  /** Store each block as records of at most this many bytes (default: one record per block). */
  recordSize?: number
}

/** Options of the IdbBlockstore measurement. */
export interface BlockstorePutsOptions extends Pick<IdbBlockstoreInit, 'durability' | 'maxOps' | 'maxBytes' | 'maxInFlight'> {
  sizeMiB: number
  /** Puts in flight at once; `0` means all blocks at once. */
  concurrency: number
}

const dbName = (label: string): string => `bench-${label}-${crypto.randomUUID()}`

/** Raw IndexedDB: N blocks of 256 KiB, in one transaction or one transaction per block. */
export async function rawIdb (options: RawIdbOptions): Promise<PageTiming> {
  const blocks = randomBlocks(options.sizeMiB, options.blockSize)
  const recordSize = options.recordSize ?? Infinity
  const name = dbName('raw')
  const db = await openDatabase(name, ['blocks'])
  const value = (b: Uint8Array): Uint8Array | ArrayBufferLike => options.valueType === 'arraybuffer' ? b.buffer : b
  const write = async (batch: Uint8Array[], offset: number): Promise<void> => {
    const tx = db.transaction('blocks', 'readwrite', { durability: options.durability })
    const store = tx.objectStore('blocks')
    batch.forEach((b, i) => {
      if (b.byteLength <= recordSize) store.put(value(b), `block-${offset + i}`)
      else for (let at = 0; at < b.byteLength; at += recordSize) store.put(value(b.slice(at, at + recordSize)), `block-${offset + i}-${at}`)
    })
    tx.commit()
    await transactionDone(tx)
  }
  try {
    const start = performance.now()
    if (options.oneTransaction) await write(blocks, 0)
    else for (const [i, b] of blocks.entries()) await write([b], i)
    return { ms: performance.now() - start, bytes: blocks.length * (options.blockSize ?? BLOCK_SIZE) }
  } finally {
    db.close()
    await deleteDatabase(name)
  }
}

/** Our IdbBlockstore: `put` per block with `concurrency` puts in flight, so group commit batches them. */
export async function blockstorePuts (options: BlockstorePutsOptions): Promise<PageTiming> {
  const blocks = await Promise.all(randomBlocks(options.sizeMiB).map(async bytes => ({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })))
  const store = new IdbBlockstore(dbName('ours'), options)
  await store.open()
  const concurrency = options.concurrency === 0 ? blocks.length : options.concurrency
  let next = 0
  try {
    const start = performance.now()
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let b = blocks[next++]; b !== undefined; b = blocks[next++]) await store.put(b.cid, b.bytes)
    }))
    return { ms: performance.now() - start, bytes: blocks.length * BLOCK_SIZE }
  } finally {
    await store.destroy()
  }
}

/**
 * Real Helia 7 with blockstore-idb, offline (no transports, no routers, no gateways), adding with `@helia/unixfs`
 * at its defaults: `addBytes(bytes)` or `addByteStream(blob.stream())`.
 */
export async function heliaAdd (options: { sizeMiB: number, input: AddInput }): Promise<PageTiming> {
  const bytes = randomBytes(options.sizeMiB)
  const blob = new Blob([bytes])
  const blockstore = new IDBBlockstore(dbName('helia'))
  await blockstore.open()
  const libp2p: Libp2pOptions = { addresses: { listen: [] }, transports: [], peerDiscovery: [], services: {} }
  const helia = createHelia({ blockstore, libp2p, http: { delegatedRouters: [], recursiveGateways: [] } })
  try {
    await helia.start()
    const fs = unixfs(helia)
    const start = performance.now()
    if (options.input === 'bytes') await fs.addBytes(bytes)
    else await fs.addByteStream(blob.stream())
    return { ms: performance.now() - start, bytes: bytes.byteLength }
  } finally {
    await helia.stop()
    await blockstore.close()
    await blockstore.destroy()
  }
}

/** The functions the driver calls through `page.evaluate`. */
export const idbBench = { rawIdb, blockstorePuts, heliaAdd }

/** The shape of `globalThis.idbBench` in the benchmark page. */
export type IdbBenchApi = typeof idbBench

Object.assign(globalThis, { idbBench })
