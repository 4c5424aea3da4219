import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

async function add (relay: TestRelay, body: string, name: string): Promise<Response> {
  return await fetch(`${relay.url}/api/v1/add?name=${name}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body })
}

async function pin (relay: TestRelay, cid: string, name: string): Promise<Response> {
  return await fetch(`${relay.url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid, name }) })
}

async function pinned (relay: TestRelay): Promise<string[]> {
  const res = await fetch(`${relay.url}/api/v1/pins`)
  expect(res.status).toBe(200)
  return (await res.json() as { pins: Array<{ cid: string }> }).pins.map(p => p.cid)
}

describe('concurrent adds and pins of one CID', () => {
  const relays: TestRelay[] = []
  afterAll(async () => { for (const relay of relays) await relay.destroy() })

  it('answers 2xx to 30 rounds of 3 concurrent same-bytes adds and 4 concurrent pins, and restarts with every pin', async () => {
    const relay = await startTestRelay()
    const cids = new Set<string>()
    for (let round = 0; round < 30; round++) {
      const body = `round ${round} of the same bytes, added three times at once`
      const adds = await Promise.all([0, 1, 2].map(async i => add(relay, body, `copy-${i}`)))
      expect(adds.map(r => r.status)).toEqual([200, 200, 200])
      const answers = await Promise.all(adds.map(async r => r.json() as Promise<{ cid: string }>))
      const cid = answers[0]?.cid ?? ''
      expect(new Set(answers.map(a => a.cid)).size).toBe(1)
      const pins = await Promise.all([0, 1, 2, 3].map(async i => pin(relay, cid, `pin-${i}`)))
      expect(pins.map(r => r.status)).toEqual([200, 200, 200, 200])
      cids.add(cid)
    }
    // and one burst of 30 at once (283 of 300 failed before pin changes were serialised)
    const burst = await Promise.all(Array.from({ length: 30 }, async (_, i) => add(relay, 'thirty at once', `burst-${i}`)))
    expect(burst.map(r => r.status)).toEqual(Array(30).fill(200))
    const burstCid = (await burst[0]?.json() as { cid: string }).cid
    const burstPins = await Promise.all(Array.from({ length: 30 }, async (_, i) => pin(relay, burstCid, `burst-pin-${i}`)))
    expect(burstPins.map(r => r.status)).toEqual(Array(30).fill(200))
    cids.add(burstCid)
    expect(new Set(await pinned(relay))).toEqual(cids)
    const dataDir = relay.dataDir
    await relay.stop()
    const again = await startTestRelay({}, dataDir)
    relays.push(again)
    expect(new Set(await pinned(again))).toEqual(cids)
  }, 120_000)

  it('ends concurrent pins and unpins of one CID in one consistent state', async () => {
    const relay = await startTestRelay()
    relays.push(relay)
    const { cid } = await (await add(relay, 'pinned and unpinned at once', 'x')).json() as { cid: string }
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all([
        pin(relay, cid, 'a'),
        fetch(`${relay.url}/api/v1/pins/${cid}`, { method: 'DELETE' }),
        pin(relay, cid, 'b'),
        fetch(`${relay.url}/api/v1/pins/${cid}`, { method: 'DELETE' })
      ])
      for (const answer of answers) expect([200, 204, 404]).toContain(answer.status)
      const listed = (await pinned(relay)).includes(cid)
      const one = await fetch(`${relay.url}/api/v1/pins?cid=${cid}`)
      expect(one.status).toBe(200)
      expect(((await one.json()) as { pins: unknown[] }).pins.length).toBe(listed ? 1 : 0)
    }
  }, 60_000)

  it('starts and lists the other pins when a pin record was torn (by an older version)', async () => {
    const relay = await startTestRelay()
    const { cid } = await (await add(relay, 'a pin that survives', 'kept')).json() as { cid: string }
    const dataDir = relay.dataDir
    await relay.stop()
    const pinDir = join(dataDir, 'datastore', 'pin')
    const [existing] = await readdir(pinDir)
    expect(existing).toBeDefined()
    await writeFile(join(pinDir, 'CIQTORNRECORDTORNRECORDTORNRECORDTORNRECORDTORNRECORD.data'), new Uint8Array([0xa2, 0x65, 0x64, 0x65]))
    const again = await startTestRelay({}, dataDir)
    relays.push(again)
    expect(await pinned(again)).toEqual([cid])
  }, 60_000)
})
