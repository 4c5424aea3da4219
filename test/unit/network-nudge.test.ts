import { MemoryBlockstore } from 'blockstore-core'
import { expect } from 'vitest'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { rawBlock } from '../support/fixtures.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { CID } from 'multiformats/cid'

/** Peers that answer a want only once asked again (a want lost the first time). */
class AnswersWhenNudged extends MemoryBlockstore {
  private release: () => void = () => {}
  readonly released = new Promise<void>(resolve => { this.release = resolve })
  nudge (): void { this.release() }
  override async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    await this.released
    yield * super.get(cid, options)
  }
}

describe('NetworkBlockstore nudge', () => {
  it('asks peers again while a block is awaited, so a lost want does not wait out the deadline', async () => {
    const { cid, bytes } = await rawBlock(new TextEncoder().encode('wanted'))
    const network = new AnswersWhenNudged()
    await network.put(cid, bytes)
    let nudges = 0
    const store = new NetworkBlockstore({
      local: new MemoryBlockstore(),
      network,
      peerCount: () => 1,
      fetchTimeoutMs: 10_000,
      nudgeAfterMs: 50,
      nudge: () => { nudges++; network.nudge() }
    })
    const started = Date.now()
    const chunks: Uint8Array[] = []
    for await (const chunk of store.get(cid)) chunks.push(chunk)
    expect(Buffer.concat(chunks).toString()).toBe('wanted')
    expect(nudges).toBeGreaterThanOrEqual(1)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('does not nudge for blocks held locally, and stops nudging once the block is in', async () => {
    const { cid, bytes } = await rawBlock(new TextEncoder().encode('here'))
    const local = new MemoryBlockstore()
    await local.put(cid, bytes)
    let nudges = 0
    const store = new NetworkBlockstore({ local, network: new MemoryBlockstore(), peerCount: () => 1, fetchTimeoutMs: 1000, nudgeAfterMs: 10, nudge: () => { nudges++ } })
    for await (const _chunk of store.get(cid)) { /* read */ }
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(nudges).toBe(0)
  })
})
