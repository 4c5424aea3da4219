/**
 * A relay's storage quota (`blocks.quotaBytes`): adds, CAR imports and block puts past it are refused with 507
 * ERR_QUOTA_EXCEEDED (the browser's code) before a block is written; unpinning and collecting garbage makes room.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes, startTestRelay } from '../relay/support.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import type { TestRelay } from '../relay/support.ts'

describe('relay storage quota', () => {
  let relay: TestRelay
  beforeAll(async () => { relay = await startTestRelay({ 'blocks.quotaBytes': 1_000_000 }) })
  afterAll(async () => { await relay?.destroy() })

  const add = async (bytes: Uint8Array<ArrayBuffer>): Promise<Response> => fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })

  it('refuses writes once the store is full, with the browser\'s code, and takes them again after gc', async () => {
    const first = await addBytes(relay.url, pseudoRandomBytes(700_000, 1))
    const second = await add(pseudoRandomBytes(400_000, 2)) // size unknown to the relay until streamed: taken
    expect(second.status).toBe(200)
    const { cid: secondCid } = await second.json() as { cid: string }

    const refused = await add(pseudoRandomBytes(10_000, 3))
    expect(refused.status).toBe(507)
    expect(await refused.json()).toMatchObject({ code: 'ERR_QUOTA_EXCEEDED', message: expect.stringContaining('blocks.quotaBytes') })
    const block = await fetch(`${relay.url}/api/v1/blocks`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(10).fill(1) })
    expect(block.status).toBe(507)
    const stored = await relay.node.fsBlockstore.usedBytes()
    expect(stored).toBeGreaterThanOrEqual(1_100_000)

    // unpin one and collect: room again
    expect((await fetch(`${relay.url}/api/v1/pins/${secondCid}`, { method: 'DELETE' })).ok).toBe(true)
    const gc = await fetch(`${relay.url}/api/v1/gc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect((await gc.json() as { freedBytes: number }).freedBytes).toBeGreaterThanOrEqual(400_000)
    expect(await relay.node.fsBlockstore.usedBytes()).toBeLessThan(1_000_000)
    expect((await add(pseudoRandomBytes(10_000, 4))).status).toBe(200)
    // what was there is still whole
    const back = Buffer.from(await (await fetch(`${relay.url}/api/v1/cat/${first.cid}`)).arrayBuffer())
    expect(back.equals(Buffer.from(pseudoRandomBytes(700_000, 1)))).toBe(true)
  })
})
