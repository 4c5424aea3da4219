/**
 * kill -9 at random moments of adds, pins, CAR imports and unpins against a relay process, then the store is
 * checked: every acknowledged add and import is pinned and reads back byte for byte, no pin is missing a block,
 * every stored block verifies (`ipfs-kit repo verify`). A pin or unpin that got no answer is in doubt: either
 * outcome is fine. Seeded: KILL9_SEED reproduces a run, KILL9_ROUNDS runs more (default 3).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnRelay } from '../relay/child-relay.ts'
import type { ChildRelay } from '../relay/child-relay.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))
const SEED = Number(process.env.KILL9_SEED ?? Math.floor(Math.random() * 1_000_000))
const ROUNDS = Number(process.env.KILL9_ROUNDS ?? 3)

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function random (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function contentOf (label: string, size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (label.charCodeAt(i % label.length) + i * 7) & 0xff
  return bytes
}

/** What the test knows about a CID: pinned or not as last acknowledged, and whether a later change is in doubt. */
interface Expectation { bytes: Uint8Array, pinned: boolean, doubt: boolean }

async function repoVerify (dataDir: string): Promise<{ ok: boolean, corruptBlocks: unknown[], tornPins: unknown[], missingBlocks: unknown[] }> {
  const child = spawn(process.execPath, [MAIN, '--json', 'repo', 'verify', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  await new Promise(resolve => child.once('close', resolve))
  return JSON.parse(out) as never
}

describe(`kill -9 during adds, pins, imports and unpins (seed ${SEED})`, () => {
  const dirs: string[] = []
  afterAll(async () => { await Promise.all(dirs.map(async dir => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }))) })

  it('loses nothing acknowledged and leaves a store that verifies', async () => {
    const next = random(SEED)
    const dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-kill9-ops-'))
    dirs.push(dataDir)
    const known = new Map<string, Expectation>()
    let relay: ChildRelay = await spawnRelay(dataDir)
    for (let round = 0; round < ROUNDS; round++) {
      const url = relay.url
      const ops: Array<Promise<void>> = []
      // CIDs changed more than once in a round: answers may arrive in another order than the changes were made
      const touched = new Map<string, number>()
      for (let i = 0; i < 8; i++) {
        const kind = next()
        const label = `round ${round} op ${i} seed ${SEED}`
        const size = 1024 + Math.floor(next() * 3 * 1024 * 1024)
        if (kind < 0.4 || known.size === 0) {
          const bytes = contentOf(label, size)
          ops.push((async () => {
            const res = await fetch(`${url}/api/v1/add?name=${encodeURIComponent(label)}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
            if (!res.ok) return
            const { cid } = await res.json() as { cid: string }
            known.set(cid, { bytes, pinned: true, doubt: false })
          })().catch(() => {}))
        } else if (kind < 0.6) {
          // re-import the CAR of a known CID: its blocks are shared with what is stored, the pin is made again
          const [cid] = [...known.keys()].slice(Math.floor(next() * known.size))
          if (cid === undefined) continue
          touched.set(cid, (touched.get(cid) ?? 0) + 1)
          ops.push((async () => {
            const entry = known.get(cid)
            if (entry === undefined) return
            entry.doubt = true
            const car = await fetch(`${url}/api/v1/car/${cid}`)
            if (!car.ok) return
            const res = await fetch(`${url}/api/v1/car`, { method: 'POST', headers: { 'content-type': 'application/vnd.ipld.car' }, body: new Uint8Array(await car.arrayBuffer()) })
            if (res.ok) { entry.pinned = true; entry.doubt = false }
          })().catch(() => {}))
        } else {
          const [cid] = [...known.keys()].slice(Math.floor(next() * known.size))
          if (cid === undefined) continue
          const unpin = next() < 0.5
          touched.set(cid, (touched.get(cid) ?? 0) + 1)
          ops.push((async () => {
            const entry = known.get(cid)
            if (entry === undefined) return
            entry.doubt = true
            const res = unpin
              ? await fetch(`${url}/api/v1/pins/${cid}`, { method: 'DELETE' })
              : await fetch(`${url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid }) })
            if (res.ok) { entry.pinned = !unpin; entry.doubt = false } else if (res.status === 404 && unpin) { entry.pinned = false; entry.doubt = false }
          })().catch(() => {}))
        }
      }
      await new Promise(resolve => setTimeout(resolve, 20 + Math.floor(next() * 600)))
      relay.proc.kill('SIGKILL')
      await relay.exited
      await Promise.allSettled(ops)
      for (const [cid, times] of touched) { const entry = known.get(cid); if (entry !== undefined && times > 1) entry.doubt = true }

      const report = await repoVerify(dataDir)
      expect({ corrupt: report.corruptBlocks, torn: report.tornPins, missing: report.missingBlocks }, `seed ${SEED} round ${round}`).toEqual({ corrupt: [], torn: [], missing: [] })

      relay = await spawnRelay(dataDir)
      const listed = new Set(((await (await fetch(`${relay.url}/api/v1/pins`)).json()) as { pins: Array<{ cid: string }> }).pins.map(p => p.cid))
      for (const [cid, entry] of known) {
        if (entry.doubt) continue
        expect(listed.has(cid), `seed ${SEED} round ${round}: ${cid} pinned=${entry.pinned}`).toBe(entry.pinned)
        if (!entry.pinned) continue
        const read = new Uint8Array(await (await fetch(`${relay.url}/api/v1/cat/${cid}`)).arrayBuffer())
        expect(Buffer.compare(Buffer.from(read), Buffer.from(entry.bytes)), `seed ${SEED}: ${cid} reads back`).toBe(0)
      }
    }
    relay.proc.kill('SIGTERM')
    await relay.exited
  }, 180_000)
})
