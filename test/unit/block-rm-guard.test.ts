/**
 * A block removal holds the write guard alone, as Kubo's `block rm` holds the GC lock: it cannot remove a block that
 * an add has written and not yet pinned. A real Helia under the service, mortice for the guard as the relay has it.
 */
import { MemoryBlockstore } from 'blockstore-core'
import * as raw from 'multiformats/codecs/raw'
import { describe, expect, it } from 'vitest'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { startGuardedService } from '../support/guarded-service.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Holds the first put of a block with links (the file's root, written after its leaves) until `open()`. */
class RootGate extends MemoryBlockstore {
  firstLeaf: CID | undefined
  private release: () => void = () => {}
  private readonly gate = new Promise<void>(resolve => { this.release = resolve })
  private reached: () => void = () => {}
  /** Resolves once every leaf is stored and the root's put is waiting. */
  readonly leavesStored = new Promise<void>(resolve => { this.reached = resolve })

  /** Whether the next root put waits (from the start, or once `holdNextRoot()` is called). */
  private holding: boolean

  constructor (holding = true) {
    super()
    this.holding = holding
  }

  holdNextRoot (): void { this.holding = true }

  override async put (cid: CID, bytes: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    if (cid.code === raw.code) {
      this.firstLeaf ??= cid
    } else if (this.holding) {
      this.reached()
      await this.gate
    }
    return super.put(cid, bytes, options)
  }

  open (): void { this.release() }
}

describe('block rm and the write guard', () => {
  it('an add, a block rm waiting for the guard and a pin of the same CID all finish (the guard is always taken first)', async () => {
    const blockstore = new RootGate(false)
    const { service, helia } = await startGuardedService(blockstore)
    try {
      const data = pseudoRandomBytes(8 * 1024, 3)
      const stored = await service.add(data, { chunker: { type: 'fixed', size: 1024 }, pin: false })
      const other = await service.add(pseudoRandomBytes(1024, 4), { pin: false })
      blockstore.holdNextRoot()
      const add = service.add(data, { chunker: { type: 'fixed', size: 1024 } }) // holds the guard, shared
      await blockstore.leavesStored
      const rm = service.blockRm(other.cid) // waits for the guard, alone: later shared holders queue behind it
      await new Promise(resolve => setTimeout(resolve, 10))
      const pin = service.pinAdd(stored.cid) // took this CID's lock before the guard, it would wait for the add's pin
      await new Promise(resolve => setTimeout(resolve, 10))
      blockstore.open()
      const outcome = await Promise.race([
        Promise.all([add, rm, pin]).then(() => 'all finished'),
        new Promise(resolve => setTimeout(() => { resolve('deadlock: nothing finished in 5 s') }, 5_000))
      ])
      expect(outcome).toBe('all finished')
      expect(await helia.pins.isPinned(stored.cid)).toBe(true)
      expect(await blockstore.has(other.cid)).toBe(false)
    } finally {
      blockstore.open()
      await helia.stop()
    }
  }, 10_000)

  it('a block rm waits for an add in progress, then refuses the block the add pinned, so no pinned block goes missing', async () => {
    const blockstore = new RootGate()
    const { service, helia } = await startGuardedService(blockstore)
    try {
      const add = service.add(pseudoRandomBytes(8 * 1024, 5), { chunker: { type: 'fixed', size: 1024 } })
      await blockstore.leavesStored
      const leaf = blockstore.firstLeaf
      if (leaf === undefined) throw new Error('no leaf was written')
      let rmSettled = false
      const rm = service.blockRm(leaf).finally(() => { rmSettled = true })
      rm.catch(() => {})
      await new Promise(resolve => setTimeout(resolve, 50))
      expect(rmSettled, 'the removal waits while the add holds the guard').toBe(false)
      blockstore.open()
      const { cid } = await add
      await expect(rm).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
      expect(await blockstore.has(leaf)).toBe(true)
      expect(await helia.pins.isPinned(leaf)).toBe(true)
      expect(await helia.pins.isPinned(cid)).toBe(true)
    } finally {
      blockstore.open()
      await helia.stop()
    }
  })
})
