/**
 * A full disk: the relay's data directory on a small tmpfs (mounted by the test, as root). Adds and imports
 * until it fills: a clear ERR_NO_SPACE (507), nothing torn (repo verify passes), every acknowledged add still
 * reads back, and the relay keeps serving reads. Skipped, with the reason, where tmpfs cannot be mounted.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

function canMount (): boolean {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const mountable = canMount()

describe.skipIf(!mountable)('a full disk (tmpfs mounted by the test; skipped when not root)', () => {
  let mountPoint: string
  let relay: TestRelay
  beforeAll(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'ipfs-kit-full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint])
    relay = await startTestRelay({ 'audit.enabled': false, 'search.enabled': false }, join(mountPoint, 'data'))
  })
  afterAll(async () => {
    await relay?.stop().catch(() => {})
    execFileSync('umount', ['-l', mountPoint])
    await rm(mountPoint, { recursive: true, force: true })
  })

  it('answers ERR_NO_SPACE when full, keeps what it acknowledged readable, and leaves a store that verifies', async () => {
    const acknowledged: Array<{ cid: string, seed: number }> = []
    let full: { status: number, code: string } | undefined
    for (let seed = 0; seed < 40 && full === undefined; seed++) {
      const bytes = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 31 + seed * 101) % 256)
      const res = await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
      const body = await res.json() as { cid?: string, code?: string }
      if (res.ok && body.cid !== undefined) acknowledged.push({ cid: body.cid, seed })
      else full = { status: res.status, code: body.code ?? '' }
    }
    expect(full).toEqual({ status: 507, code: 'ERR_NO_SPACE' })
    expect(acknowledged.length).toBeGreaterThan(0)
    // reads keep working on a full disk
    for (const { cid, seed } of acknowledged) {
      const read = new Uint8Array(await (await fetch(`${relay.url}/api/v1/cat/${cid}`)).arrayBuffer())
      expect(read.byteLength).toBe(2 * 1024 * 1024)
      expect(read[12345]).toBe((12345 * 31 + seed * 101) % 256)
    }
    expect((await fetch(`${relay.url}/health`)).status).toBe(200)
    const dataDir = relay.dataDir
    await relay.stop()
    // nothing torn: every pin record decodes, every stored block verifies, every acknowledged pin is whole
    const child = spawn(process.execPath, [MAIN, '--json', 'repo', 'verify', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    await new Promise(resolve => child.once('close', resolve))
    const report = JSON.parse(out) as { corruptBlocks: unknown[], tornPins: unknown[], missingBlocks: unknown[] }
    expect({ corrupt: report.corruptBlocks, torn: report.tornPins, missing: report.missingBlocks }).toEqual({ corrupt: [], torn: [], missing: [] })
    relay = await startTestRelay({ 'audit.enabled': false, 'search.enabled': false }, dataDir)
    const pins = await (await fetch(`${relay.url}/api/v1/pins`)).json() as { pins: Array<{ cid: string }> }
    for (const { cid } of acknowledged) expect(pins.pins.map(p => p.cid)).toContain(cid)
  }, 120_000)
})
