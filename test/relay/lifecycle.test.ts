import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { VerifiedBlockstore } from '../../core/blocks/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { randomUpload, spawnRelay } from './child-relay.ts'

const MiB = 1024 * 1024
let dataDir: string
beforeEach(async () => { dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-life-')) })
afterEach(async () => { await rm(dataDir, { recursive: true, force: true }) })

async function upload (url: string, body: ReadableStream<Uint8Array>): Promise<Response> {
  return fetch(`${url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body, duplex: 'half' } as RequestInit)
}

describe('relay lifecycle', () => {
  it('streams a 1 GiB upload without holding it in memory (peak RSS grows < 200 MB during it)', async () => {
    const relay = await spawnRelay(dataDir)
    try {
      // the relay's own footprint at start grows with its features; what matters is what the upload adds to it
      const atStart = await relay.peakRss()
      const res = await upload(relay.url, randomUpload(1024 * MiB))
      expect(res.status).toBe(200)
      const { size } = await res.json() as { size: number }
      expect(size).toBe(1024 * MiB)
      const peak = await relay.peakRss()
      expect(peak - atStart).toBeLessThan(200 * 1000 * 1000)
    } finally {
      relay.proc.kill('SIGKILL')
      await relay.exited
    }
  })

  it('on SIGTERM finishes the request in flight, refuses new ones, and exits 0', async () => {
    const relay = await spawnRelay(dataDir)
    let signalled = false
    const slow = randomUpload(24 * MiB, async (sent) => {
      if (sent >= 4 * MiB && !signalled) {
        signalled = true
        relay.proc.kill('SIGTERM')
      }
      await new Promise(resolve => setTimeout(resolve, 40))
    })
    const res = await upload(relay.url, slow)
    expect(signalled).toBe(true)
    const late = await fetch(`${relay.url}/health`).then(r => r.status, () => 'refused')
    expect([503, 'refused']).toContain(late)
    expect(res.status).toBe(200)
    expect((await res.json() as { size: number }).size).toBe(24 * MiB)
    const { code } = await relay.exited
    expect(code).toBe(0)
  })

  it('after kill -9 mid-upload, restarts cleanly with no torn block and no half pin', async () => {
    const first = await spawnRelay(dataDir)
    const body = randomUpload(512 * MiB, (sent) => { if (sent >= 96 * MiB) first.proc.kill('SIGKILL') })
    await upload(first.url, body).catch(() => undefined)
    expect((await first.exited).signal).toBe('SIGKILL')

    const second = await spawnRelay(dataDir)
    try {
      const pins = await (await fetch(`${second.url}/api/v1/pins`)).json() as { pins: unknown[] }
      expect(pins.pins).toEqual([])
      const health = await fetch(`${second.url}/health`)
      expect(health.status).toBe(200)
    } finally {
      second.proc.kill('SIGTERM')
      await second.exited
    }
    const store = new FsBlockstore({ path: join(dataDir, 'blocks') })
    await store.open()
    let blocks = 0
    for await (const _ of new VerifiedBlockstore(store).getAll()) blocks++
    expect(blocks).toBeGreaterThan(10)
  })
})
