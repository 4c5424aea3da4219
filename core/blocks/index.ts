/**
 * @packageDocumentation
 *
 * Blockstores and block verification. Every store implements `interface-blockstore`'s `Blockstore` and
 * passes its compliance suite; {@link VerifiedBlockstore} wraps any of them so reads are checked against
 * their CIDs. Runtime-specific stores live beside their runtime: `node-relay/blocks/fs-blockstore.ts`
 * (filesystem) and `app/blocks/idb-blockstore.ts` (IndexedDB).
 *
 * @example
 * ```ts
 * import { MemoryBlockstore, VerifiedBlockstore } from './core/blocks/index.ts'
 * const blocks = new VerifiedBlockstore(new MemoryBlockstore())
 * ```
 */
export { MemoryBlockstore } from './memory.ts'
export { TieredBlockstore, type TieredBlockstoreInit } from './tiered.ts'
export { VerifiedBlockstore, type VerifiedBlockstoreInit } from './verified.ts'
export { verifyBlock, isValidBlock, rememberHashed } from './verify.ts'
export type { VerifyingReadOptions } from './read-options.ts'
export { hasherFor, registerHasher } from './hashers.ts'
export { DEFAULT_MAX_BLOCK_SIZE, blockTooLarge } from './limits.ts'
export { collectBlock, concatChunks, type BlockInput } from './bytes.ts'
export { ByteBudgetLru } from './lru.ts'
export type { Blockstore, InputPair, Pair } from 'interface-blockstore'
export { NetworkBlockstore, type NetworkBlockstoreInit } from './network.ts'
export type { RewriteOptions } from './put-options.ts'
