/**
 * The memory blockstore is js-stores' own (`blockstore-core`): it already passes interface-blockstore-tests and
 * there is nothing of ours to add. Re-exported so callers import every store from one place.
 */
export { MemoryBlockstore } from 'blockstore-core/memory'
