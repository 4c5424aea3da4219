import { NotFoundError } from '../../core/errors/index.ts'
import { collectBlock } from '../../core/blocks/bytes.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { StorageManager } from '../../core/storage/index.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * A block source for the relay's blockstore: content moved off the relay's disk (its local copy removed by a
 * migration) is brought back whole from the best backend holding a recorded copy when it is read (the gateway, cat,
 * a pin), every block verified, and kept unpinned (the garbage collector may drop it again). Blocks of no recorded
 * root are `ERR_NOT_FOUND` at once, so peers are asked as before.
 *
 * @example
 * ```ts
 * new NetworkBlockstore({ ..., fallback: { get: rehydrator(() => storage, blockstore), afterMs: 0 } })
 * ```
 */
export function rehydrator (storage: () => StorageManager | undefined, local: Pick<Blockstore, 'get' | 'put' | 'has'>): (cid: CID, options?: AbortOptions) => Promise<Uint8Array> {
  const inFlight = new Map<string, Promise<void>>()
  return async (cid, options = {}) => {
    const manager = storage()
    const elsewhere = manager === undefined ? [] : (await manager.references(cid, options)).filter(r => r.state === 'ok' && r.backend !== manager.localName)
    if (manager === undefined || elsewhere.length === 0) throw new NotFoundError(`block ${cid.toString()} is not the root of content stored on a backend`)
    const key = cid.toV1().toString()
    let running = inFlight.get(key)
    if (running === undefined) {
      running = (async () => {
        for await (const block of manager.get(cid, options)) {
          if (!await local.has(block.cid)) await local.put(block.cid, block.bytes)
        }
      })().finally(() => { inFlight.delete(key) })
      inFlight.set(key, running)
    }
    await running
    return collectBlock(local.get(cid, options))
  }
}
