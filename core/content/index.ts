/**
 * @packageDocumentation
 *
 * The content layer: files and directories as UnixFS DAGs over any blockstore, read back verified.
 *
 * @example
 * ```ts
 * import { createContentStore } from './core/content/index.ts'
 * import { MemoryBlockstore } from './core/blocks/index.ts'
 *
 * const content = createContentStore({ blockstore: new MemoryBlockstore() })
 * const { cid } = await content.add(new TextEncoder().encode('hello world'), {
 *   onProgress: ({ bytes }) => console.log(bytes)
 * })
 * const car = content.exportCar(cid) // AsyncGenerator<Uint8Array>
 * ```
 */
export { ContentStore, createContentStore, type ContentStoreInit } from './content-store.ts'
export { parseCid, parseIpfsPath } from './cid.ts'
export { walkDag, linksOf, type DagBlock } from './dag-walk.ts'
export { exportCar, importCar } from './car.ts'
export { DEFAULT_CHUNK_SIZE, DEFAULT_MAX_CHILDREN, DEFAULT_BLOCK_WRITE_CONCURRENCY } from './importer-options.ts'
export { hashLeafHere, type HashedLeaf, type LeafHasher, type LeafHashOptions } from './leaf-hasher.ts'
export type * from './types.ts'
export { exportScopedCar, resolveEntityBytes, type DagScope, type EntityBytes, type ScopedCarOptions } from './car-scope.ts'
