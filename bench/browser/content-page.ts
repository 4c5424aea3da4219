/**
 * Page side of ipfs-kit's own add over IndexedDB, bundled separately from `idb-page.ts` so the IndexedDB
 * measurements still build when the content layer does not.
 */
import { IdbBlockstore } from '../../app/blocks/idb-blockstore.ts'
import { createContentStore, type AddOptions } from '../../core/content/index.ts'
import type { PageTiming } from './idb-page.ts'

/** `createContentStore({ blockstore: new IdbBlockstore(...) }).add(bytes)` on `sizeMiB` of random bytes. */
export async function contentAdd (options: { sizeMiB: number, chunkSize?: number }): Promise<PageTiming> {
  const bytes = new Uint8Array(options.sizeMiB * 1024 * 1024)
  for (let at = 0; at < bytes.byteLength; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
  const store = new IdbBlockstore(`bench-content-${crypto.randomUUID()}`)
  await store.open()
  const addOptions: AddOptions = options.chunkSize === undefined ? {} : { chunker: { type: 'fixed', size: options.chunkSize } }
  const start = performance.now()
  await createContentStore({ blockstore: store }).add(bytes, addOptions)
  const ms = performance.now() - start
  await store.destroy()
  return { ms, bytes: bytes.byteLength }
}

Object.assign(globalThis, { contentBench: { contentAdd } })
