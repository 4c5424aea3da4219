/**
 * Migration on real relays with an S3 backend (s3rver): a policy added over REST moves matching content from the
 * relay's disk to S3; the plan is a dry run; the local pin goes only after the S3 copy verified; the gateway still
 * serves the content (read back from S3). Then a relay process is killed with SIGKILL in the middle of a migration
 * of many items: after a restart the jobs finish, and every item has a verified S3 copy and reads back byte for byte.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../node-relay/config/load.ts'
import { startRelay } from '../../node-relay/relay.ts'
import { spawnRelay } from '../relay/child-relay.ts'
import { addBytes } from '../relay/support.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { startS3Server } from '../storage/s3-support.ts'
import type { Relay } from '../../node-relay/relay.ts'
import type { S3Server } from '../storage/s3-support.ts'

const KEY_ENV = 'MIGRATION_TEST_S3_KEY'
const SECRET_ENV = 'MIGRATION_TEST_S3_SECRET'

interface JobJson { id: string, cid: string, state: string, error?: { code: string } }

async function json<T> (res: Response): Promise<T> {
  const text = await res.text()
  if (!res.ok) throw new Error(`${res.status}: ${text}`)
  return JSON.parse(text) as T
}

async function post<T> (url: string, body: unknown): Promise<T> {
  return json<T>(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
}

async function waitForJobs (url: string, done: (jobs: JobJson[]) => boolean, timeoutMs = 60_000): Promise<JobJson[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { jobs } = await json<{ jobs: JobJson[] }>(await fetch(`${url}/api/v1/migrations`))
    if (done(jobs)) return jobs
    if (Date.now() > deadline) throw new Error(`jobs did not finish: ${JSON.stringify(jobs.map(j => [j.state, j.error?.code]))}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function runCli (url: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [MAIN, '--api', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { code, stdout, stderr }
}

const s3Backend = (s3: S3Server, prefix: string): Record<string, string | boolean> => ({ kind: 's3', name: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, prefix, accessKeyIdEnv: KEY_ENV, secretAccessKeyEnv: SECRET_ENV })

describe('migration on a relay with an S3 backend (s3rver)', () => {
  let s3: S3Server
  let dir: string

  beforeAll(async () => {
    s3 = await startS3Server('migration-relay')
    process.env[KEY_ENV] = 'S3RVER'
    process.env[SECRET_ENV] = 'S3RVER'
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-migration-relay-'))
  })
  afterAll(async () => {
    await s3?.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  })

  it('a policy moves matching content to S3 after verifying it; the plan changes nothing; the gateway still serves it', async () => {
    const config = await loadConfig({
      flags: {
        dataDir: join(dir, 'in-process'),
        'http.port': 0,
        'libp2p.listen': ['/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/tcp/0'],
        logLevel: 'silent',
        'network.offline': true,
        'storage.backends': [{ kind: 'local', name: 'local' }, s3Backend(s3, 'in-process')]
      }
    })
    const relay: Relay = await startRelay(config)
    try {
      const weights = pseudoRandomBytes(700_000, 21)
      const bin = await addBytes(relay.url, weights, '?name=weights.bin')
      const note = await addBytes(relay.url, new TextEncoder().encode('stays on the relay'), '?name=note.txt')

      const bad = await fetch(`${relay.url}/api/v1/policies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: { name: 'cold', action: 'move' } }) })
      expect(bad.status).toBe(400)
      expect(await bad.json()).toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('policy.to') })
      const unknown = await fetch(`${relay.url}/api/v1/policies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: { name: 'cold', action: 'move', to: ['glacier'] } }) })
      expect(unknown.status).toBe(400)
      await post(`${relay.url}/api/v1/policies`, { policy: { name: 'cold', match: { names: ['*.bin'], minBytes: 100_000 }, action: 'move', to: ['s3'] } })

      const plan = await post<{ items: Array<{ cid: string, action: string, source: string, targets: string[], cost: { addedUsdPerMonth: number } }>, totals: { items: number } }>(`${relay.url}/api/v1/migrations/plan`, {})
      expect(plan.items.map(i => [i.cid, i.action, i.source, i.targets])).toEqual([[bin.cid, 'move', 'local', ['s3']]])
      expect(plan.items[0]?.cost.addedUsdPerMonth).toBeGreaterThan(0)
      const dry = await post<{ jobs: unknown[] }>(`${relay.url}/api/v1/migrations`, { dryRun: true })
      expect(dry.jobs).toEqual([])
      expect((await json<{ references: unknown[] }>(await fetch(`${relay.url}/api/v1/storage/${bin.cid}/references`))).references).toEqual([])

      // as a person runs it: the CLI queues the jobs and follows them until they finish
      const cli = await runCli(relay.url, ['--json', 'migrate', 'run'])
      expect(cli.code, cli.stderr).toBe(0)
      const ran = JSON.parse(cli.stdout) as { jobs: JobJson[] }
      expect(ran.jobs.map(j => [j.cid, j.state])).toEqual([[bin.cid, 'done']])
      const [job] = await waitForJobs(relay.url, jobs => jobs.every(j => j.state === 'done' || j.state === 'failed'))
      expect(job).toMatchObject({ state: 'done' })
      const refs = await json<{ references: Array<{ backend: string, state: string, verifiedAt?: string }> }>(await fetch(`${relay.url}/api/v1/storage/${bin.cid}/references`))
      expect(refs.references.map(r => [r.backend, r.state, r.verifiedAt !== undefined])).toEqual([['s3', 'ok', true]])
      const pins = await json<{ pins: Array<{ cid: string }> }>(await fetch(`${relay.url}/api/v1/pins`))
      expect(pins.pins.map(p => p.cid)).toEqual([note.cid]) // the local pin of the moved file is gone, the other stays

      // its local blocks can go (no pin needs them): the gateway reads it back from S3, verified
      for await (const { cid } of relay.node.blockstore.getAll()) await relay.node.blockstore.delete(cid)
      const served = await fetch(`${relay.url}/ipfs/${bin.cid}`)
      expect(served.status).toBe(200)
      expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(weights))).toBe(true)

      // a second plan has nothing left to do for it
      const again = await post<{ items: unknown[], skipped: Array<{ cid: string, reason: string }> }>(`${relay.url}/api/v1/migrations/plan`, {})
      expect(again.items).toEqual([])
      expect(again.skipped).toEqual([{ cid: bin.cid, policy: 'cold', reason: 'already moved: no copy on local' }])
      const metrics = await (await fetch(`${relay.url}/metrics`)).text()
      expect(metrics).toMatch(/ipfs_kit_migration_jobs\{state="done"\} 1/)
    } finally {
      await relay.stop()
    }
  }, 60_000)

  it('a relay killed with SIGKILL mid-migration finishes after a restart and loses nothing', async () => {
    const dataDir = join(dir, 'child')
    const configFile = join(dir, 'child-config.json')
    await writeFile(configFile, JSON.stringify({
      network: { offline: true },
      storage: { backends: [{ kind: 'local', name: 'local' }, s3Backend(s3, 'child')] },
      migration: { intervalMs: 0, concurrencyPerBackend: 2, policies: [{ name: 'all-to-s3', action: 'move', to: ['s3'], match: { tags: ['cold'] } }] }
    }))
    const env = { [KEY_ENV]: 'S3RVER', [SECRET_ENV]: 'S3RVER' }
    let relay = await spawnRelay(dataDir, { args: ['--config', configFile], env })
    const items = new Map<string, Uint8Array>()
    try {
      for (let i = 0; i < 24; i++) {
        const bytes = pseudoRandomBytes(300_000 + i * 1_000, 100 + i)
        const { cid } = await addBytes(relay.url, bytes, '?pin=false')
        await post(`${relay.url}/api/v1/pins`, { cid, name: `item-${i}.bin`, metadata: { tags: 'cold' } })
        items.set(cid, bytes)
      }
      const started = await post<{ jobs: JobJson[] }>(`${relay.url}/api/v1/migrations`, {})
      expect(started.jobs.length).toBe(items.size)
      // kill it once a few jobs finished and others are running
      await waitForJobs(relay.url, jobs => jobs.filter(j => j.state === 'done').length >= 3, 60_000)
      relay.proc.kill('SIGKILL')
      await relay.exited

      relay = await spawnRelay(dataDir, { args: ['--config', configFile], env })
      const jobs = await waitForJobs(relay.url, all => all.every(j => j.state === 'done' || j.state === 'failed'), 120_000)
      expect(jobs.filter(j => j.state !== 'done')).toEqual([])
      for (const [cid, bytes] of items) {
        const refs = await json<{ references: Array<{ backend: string, state: string }> }>(await fetch(`${relay.url}/api/v1/storage/${cid}/references`))
        expect(refs.references.filter(r => r.backend === 's3').map(r => r.state), cid).toEqual(['ok'])
        // the S3 copy alone, every block verified, is the content
        const car = await fetch(`${relay.url}/api/v1/storage/${cid}?from=s3`)
        expect(car.status, cid).toBe(200)
        await car.arrayBuffer()
        const served = await fetch(`${relay.url}/ipfs/${cid}`)
        expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(bytes)), cid).toBe(true)
      }
    } finally {
      relay.proc.kill('SIGKILL')
      await relay.exited
    }
  }, 240_000)
})
