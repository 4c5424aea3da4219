/**
 * Garbage collection on a real relay: a property test runs random adds (pinned or not, of random sizes) while
 * collections run at random moments; afterwards every pinned add is still whole and reads back byte for byte, and a
 * last collection leaves exactly the pinned blocks. Plus the REST and CLI surfaces and a report of what was freed.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes, startTestRelay } from '../relay/support.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

interface GcJson { removedBlocks: number, freedBytes: number, keptBlocks: number }

async function gc (url: string): Promise<GcJson> {
  const res = await fetch(`${url}/api/v1/gc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  if (!res.ok) throw new Error(`gc: ${res.status} ${await res.text()}`)
  return await res.json() as GcJson
}

async function storedBlocks (relay: TestRelay): Promise<string[]> {
  const out: string[] = []
  for await (const { cid } of relay.node.fsBlockstore.list()) out.push(cid.toV1().toString())
  return out.sort()
}

describe('garbage collection of the relay blockstore', () => {
  let relay: TestRelay
  beforeAll(async () => { relay = await startTestRelay() })
  afterAll(async () => { await relay?.destroy() })

  it('never collects a pinned block or one of an add in progress (property: random adds racing collections)', async () => {
    let round = 0
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ size: fc.integer({ min: 1, max: 600_000 }), pin: fc.boolean(), gcBefore: fc.boolean() }), { minLength: 2, maxLength: 8 }),
      async (adds) => {
        round++
        const pinned = new Map<string, Uint8Array>()
        await Promise.all(adds.map(async (add, i) => {
          if (add.gcBefore) await gc(relay.url)
          const bytes = pseudoRandomBytes(add.size, round * 100 + i)
          const { cid } = await addBytes(relay.url, bytes, add.pin ? '' : '?pin=false')
          if (add.pin) pinned.set(cid, bytes)
        }))
        await gc(relay.url)
        for (const [cid, bytes] of pinned) {
          // read from the relay's own blocks only: no peer is connected, so a missing block fails at once
          const stat = await (await fetch(`${relay.url}/api/v1/stat/${cid}?dagSize=true`)).json() as { local?: boolean }
          expect(stat.local, cid).toBe(true)
          const served = Buffer.from(await (await fetch(`${relay.url}/api/v1/cat/${cid}`)).arrayBuffer())
          expect(served.equals(Buffer.from(bytes)), cid).toBe(true)
        }
      }
    ), { numRuns: 6, seed: Number(process.env.GC_SEED ?? 4242) })

    // after a last collection, every stored block is a pinned one
    await gc(relay.url)
    for (const cid of await storedBlocks(relay)) expect(await relay.node.helia.pins.isPinned(CID.parse(cid)), cid).toBe(true)
  }, 120_000)

  it('reports what it freed; an unpinned add and an unpinned block go, pinned content stays (REST and CLI)', async () => {
    await gc(relay.url)
    const kept = await addBytes(relay.url, pseudoRandomBytes(200_000, 9001))
    const loose = await addBytes(relay.url, pseudoRandomBytes(300_000, 9002), '?pin=false')
    const report = await gc(relay.url)
    expect(report.removedBlocks).toBeGreaterThanOrEqual(1)
    expect(report.freedBytes).toBeGreaterThanOrEqual(300_000)
    const blocks = await storedBlocks(relay)
    expect(blocks).toContain(CID.parse(kept.cid).toV1().toString())
    expect(blocks).not.toContain(CID.parse(loose.cid).toV1().toString())

    await addBytes(relay.url, pseudoRandomBytes(100_000, 9003), '?pin=false')
    const child = spawn(process.execPath, [MAIN, '--api', relay.url, 'gc'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    const code = await new Promise(resolve => child.once('close', resolve))
    expect(code).toBe(0)
    expect(out).toMatch(/^removed \d+ block\(s\), freed [\d.]+ (KiB|MiB|B); kept \d+ pinned block\(s\)/)
  }, 60_000)
})
