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
import type { Libp2pOptions } from 'libp2p'

/** Block size of the raw and blockstore measurements (the usual UnixFS leaf). */
export const BLOCK_SIZE = 256 * 1024

/** Options of the raw IndexedDB measurement. */
export interface RawIdbOptions {
  sizeMiB: number
  /** One transaction for every block (true) or one per block, awaited in turn (false). */
  oneTransaction: boolean
  /** Store values as `Uint8Array` or as their `ArrayBuffer`. */
  valueType: 'uint8array' | 'arraybuffer'
  durability: IDBTransactionDurability
}

/** Options of the IdbBlockstore measurement. */
export interface BlockstorePutsOptions extends Pick<IdbBlockstoreInit, 'durability' | 'maxOps' | 'maxBytes'> {
  sizeMiB: number
  /** Puts in flight at once; `0` means all blocks at once. */
  concurrency: number
}

/** What every page measurement returns. */
export interface PageTiming {
  ms: number
  bytes: number
}

/** `sizeMiB` of random bytes as 256 KiB blocks (getRandomValues fills at most 64 KiB per call). */
function randomBlocks (sizeMiB: number): Uint8Array[] {
  const count = Math.ceil(sizeMiB * 1024 * 1024 / BLOCK_SIZE)
  return Array.from({ length: count }, () => {
    const bytes = new Uint8Array(BLOCK_SIZE)
    for (let at = 0; at < BLOCK_SIZE; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
    return bytes
  })
}

function randomBytes (sizeMiB: number): Uint8Array {
  const bytes = new Uint8Array(sizeMiB * 1024 * 1024)
  for (let at = 0; at < bytes.byteLength; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
  return bytes
}

const dbName = (label: string): string => `bench-${label}-${crypto.randomUUID()}`

/** Raw IndexedDB: N blocks of 256 KiB, in one transaction or one transaction per block. */
export async function rawIdb (options: RawIdbOptions): Promise<PageTiming> {
  const blocks = randomBlocks(options.sizeMiB)
  const name = dbName('raw')
  const db = await openDatabase(name, 'blocks')
  const value = (b: Uint8Array): Uint8Array | ArrayBufferLike => options.valueType === 'arraybuffer' ? b.buffer : b
  const write = async (batch: Uint8Array[], offset: number): Promise<void> => {
    const tx = db.transaction('blocks', 'readwrite', { durability: options.durability })
    const store = tx.objectStore('blocks')
    batch.forEach((b, i) => store.put(value(b), `block-${offset + i}`))
    tx.commit()
    await transactionDone(tx)
  }
  const start = performance.now()
  if (options.oneTransaction) await write(blocks, 0)
  else for (const [i, b] of blocks.entries()) await write([b], i)
  const ms = performance.now() - start
  db.close()
  await deleteDatabase(name)
  return { ms, bytes: blocks.length * BLOCK_SIZE }
}

/** Our IdbBlockstore: `put` per block with `concurrency` puts in flight, so group commit batches them. */
export async function blockstorePuts (options: BlockstorePutsOptions): Promise<PageTiming> {
  const blocks = await Promise.all(randomBlocks(options.sizeMiB).map(async bytes => ({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })))
  const store = new IdbBlockstore(dbName('ours'), options)
  await store.open()
  const start = performance.now()
  const concurrency = options.concurrency === 0 ? blocks.length : options.concurrency
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let b = blocks[next++]; b !== undefined; b = blocks[next++]) await store.put(b.cid, b.bytes)
  }))
  const ms = performance.now() - start
  await store.destroy()
  return { ms, bytes: blocks.length * BLOCK_SIZE }
}

/**
 * Real Helia 7 with blockstore-idb, offline (no transports dialled, no routers, no gateways), adding with
 * `@helia/unixfs` `addBytes` at its defaults.
 */
export async function heliaAdd (options: { sizeMiB: number }): Promise<PageTiming> {
  const bytes = randomBytes(options.sizeMiB)
  const name = dbName('helia')
  const blockstore = new IDBBlockstore(name)
  await blockstore.open()
  const libp2p: Libp2pOptions = { addresses: { listen: [] }, transports: [], peerDiscovery: [], services: {} }
  const helia = createHelia({ blockstore, libp2p, http: { delegatedRouters: [], recursiveGateways: [] } })
  await helia.start()
  const start = performance.now()
  await unixfs(helia).addBytes(bytes)
  const ms = performance.now() - start
  await helia.stop()
  await blockstore.close()
  await blockstore.destroy()
  return { ms, bytes: bytes.byteLength }
}

/** The functions the driver calls through `page.evaluate`. */
export const idbBench = { rawIdb, blockstorePuts, heliaAdd }

/** The shape of `globalThis.idbBench` in the benchmark page. */
export type IdbBenchApi = typeof idbBench

Object.assign(globalThis, { idbBench })
