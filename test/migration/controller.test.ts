/**
 * The migration controller over real backends: the local blockstore and S3 (s3rver). A move copies, verifies by
 * reading the copy back through S3, records it, and only then drops the local copy; a copy corrupted in the bucket
 * during the job fails verification and keeps the source; retention blocks deletion with ERR_RETAINED; an
 * unreachable target is retried with backoff; pause, resume, cancel; jobs survive a restart of the controller.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FsDatastore } from 'datastore-fs'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { EventBus } from '../../core/events/bus.ts'
import { MigrationController, plan, policySchema, retentionSchema } from '../../core/migration/index.ts'
import { ReferenceIndex, StorageManager, createLocalBackend } from '../../core/storage/index.ts'
import { createHuggingFaceBackend } from '../../node-relay/storage/huggingface/backend.ts'
import { encryptAtRest, loadAtRestKey } from '../../node-relay/storage/at-rest.ts'
import { createS3Backend, objectKey } from '../../node-relay/storage/s3/index.ts'
import { startFakeHub } from '../storage/support/hf-hub-server.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { corruptObject, S3RVER_CREDENTIALS, startS3Server } from '../storage/s3-support.ts'
import type { ContentItem, Job, PolicyInput, RetentionRule } from '../../core/migration/index.ts'
import type { NodeEvent } from '../../core/events/bus.ts'
import type { StorageBackend } from '../../core/storage/index.ts'
import type { S3Server } from '../storage/s3-support.ts'

describe('migration controller: local → S3 (s3rver), every copy verified', () => {
  let s3server: S3Server
  let dir: string
  let run = 0
  let datastore: FsDatastore
  let blockstore: MemoryBlockstore
  let storage: StorageManager
  let s3: StorageBackend
  let pinned: Set<string>
  let sizes: Map<string, number>
  let retention: RetentionRule[]
  let events: NodeEvent[]
  let bus: EventBus
  let controllers: MigrationController[]

  const addContent = async (length: number, seed: number): Promise<CID> => {
    const { cid } = await createContentStore({ blockstore }).add(pseudoRandomBytes(length, seed), { chunker: { type: 'fixed', size: 64 * 1024 } })
    pinned.add(cid.toV1().toString())
    sizes.set(cid.toV1().toString(), length)
    return cid
  }

  const itemOf = async (cid: string): Promise<ContentItem> => ({
    cid,
    name: `item-${cid.slice(-6)}`,
    tags: [],
    mime: 'application/octet-stream',
    size: sizes.get(cid) ?? 0,
    addedAt: new Date().toISOString(),
    copies: [
      ...(pinned.has(cid) ? [{ backend: 'local', size: sizes.get(cid) ?? 0 }] : []),
      ...(await storage.index.get(CID.parse(cid))).filter(r => r.state === 'ok' && r.backend !== 'local').map(r => ({ backend: r.backend, size: r.size }))
    ]
  })

  const controller = (target: StorageBackend | StorageBackend[] = s3, init = {}): MigrationController => {
    storage = new StorageManager({ local: createLocalBackend({ name: 'local', blockstore }), localBlocks: blockstore, backends: Array.isArray(target) ? target : [target], index: new ReferenceIndex({ datastore }), events: bus })
    const made = new MigrationController({
      storage,
      localBlocks: blockstore,
      datastore,
      item: async (cid) => itemOf(cid),
      retention: () => retention,
      unpinLocal: async (cid) => { pinned.delete(cid.toV1().toString()) },
      events: bus
    }, { retryBaseMs: 50, ...init })
    controllers.push(made)
    return made
  }

  const movePolicy = (extra: Partial<PolicyInput> = {}): PolicyInput => ({ name: 'cold', action: 'move', to: ['s3'], ...extra })

  const planFor = async (policies: PolicyInput[], cids: CID[]): Promise<ReturnType<typeof plan>> => plan({
    policies: policies.map(p => policySchema.parse(p)),
    items: await Promise.all(cids.map(async c => itemOf(c.toV1().toString()))),
    backends: storage.list().map(b => ({ name: b.name, cost: b.cost, capabilities: b.capabilities })),
    now: Date.now()
  })

  const finished = async (migrations: MigrationController, jobs: Job[]): Promise<Job[]> => {
    await migrations.idle()
    return jobs.map(j => migrations.get(j.id))
  }

  beforeAll(async () => {
    s3server = await startS3Server('migrations')
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-migration-'))
  })
  afterAll(async () => {
    await s3server.stop()
    await rm(dir, { recursive: true, force: true })
  })
  beforeEach(async () => {
    run++
    for (const c of controllers ?? []) await c.stop()
    controllers = []
    datastore = new FsDatastore(join(dir, `ds-${run}`))
    await datastore.open()
    blockstore = new MemoryBlockstore()
    pinned = new Set()
    sizes = new Map()
    retention = []
    events = []
    bus = new EventBus()
    bus.subscribe(e => events.push(e))
    s3 = createS3Backend({ name: 's3', bucket: s3server.bucket, prefix: `run-${run}`, endpoint: s3server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  })

  it('plans deterministically with costs, and a dry run changes nothing', async () => {
    const migrations = controller()
    const a = await addContent(300_000, 1)
    const b = await addContent(100_000, 2)
    const first = await planFor([movePolicy(), { name: 'small-stay', action: 'copy', to: ['s3'], priority: 80, match: { maxBytes: 150_000 } }], [b, a])
    const again = await planFor([movePolicy(), { name: 'small-stay', action: 'copy', to: ['s3'], priority: 80, match: { maxBytes: 150_000 } }], [a, b])
    expect(first).toEqual(again)
    // the higher-priority policy decides for the small one; the plan runs by priority
    expect(first.items.map(i => [i.policy, i.action, i.cid])).toEqual([['small-stay', 'copy', b.toV1().toString()], ['cold', 'move', a.toV1().toString()]])
    for (const item of first.items) {
      expect(item.source).toBe('local')
      expect(item.targets).toEqual(['s3'])
      expect(item.cost.egressUsd).toBe(0) // local disk: no egress
      expect(item.cost.addedUsdPerMonth).toBeCloseTo(0.023 * item.bytes / 1e9, 9)
    }
    expect(first.totals).toMatchObject({ items: 2, bytes: 400_000 })
    expect(first.totals.savingUsdPerMonth).toBeLessThan(0) // local disk is free: moving to S3 costs money
    expect(migrations.list()).toEqual([])
    expect(await storage.index.get(a)).toEqual([])
    expect(pinned.size).toBe(2)
  })

  it('moves: copies, verifies through S3, records, then drops the local copy; progress on the bus', async () => {
    const migrations = controller()
    await migrations.start()
    const cid = await addContent(600_000, 3)
    const jobs = await migrations.enqueue((await planFor([movePolicy()], [cid])).items)
    const [job] = await finished(migrations, jobs)
    expect(job).toMatchObject({ state: 'done', done: ['s3'] })
    expect(job?.progress.blocks).toBeGreaterThan(9) // 64 KiB leaves and the root
    expect(job?.progress.bytes).toBeGreaterThan(600_000)
    const refs = await storage.index.get(cid)
    expect(refs.map(r => [r.backend, r.state])).toEqual([['s3', 'ok']])
    expect(refs[0]?.verifiedAt).toBeDefined()
    expect(pinned.has(cid.toV1().toString())).toBe(false)
    // the copy reads back from S3 alone, every block verified
    let bytes = 0
    for await (const block of storage.get(cid, { from: 's3' })) bytes += block.bytes.byteLength
    expect(bytes).toBeGreaterThan(600_000)
    const jobEvents = events.flatMap(e => e.type === 'migration:job' ? [e] : [])
    expect([...new Set(jobEvents.map(e => e.step).filter(s => s !== undefined))]).toEqual(['copy', 'verify', 'record', 'remove'])
    expect(jobEvents.at(-1)?.state).toBe('done')
    expect(events.some(e => e.type === 'migration:progress' && e.bytes === job?.progress.bytes)).toBe(true)
    expect(migrations.totals).toMatchObject({ jobsDone: 1, verifyFailures: 0 })
  })

  it('moves to an encryptAtRest backend: the bucket holds ciphertext, the read-back verifies, the key id is recorded', async () => {
    const encrypted = await encryptAtRest(s3, { dataDir: dir, datastore })
    const migrations = controller(encrypted)
    await migrations.start()
    const cid = await addContent(300_000, 9)
    const [job] = await finished(migrations, await migrations.enqueue((await planFor([movePolicy()], [cid])).items))
    expect(job).toMatchObject({ state: 'done', done: ['s3'] })
    const [ref] = await storage.index.get(cid)
    expect(ref).toMatchObject({ backend: 's3', state: 'ok', encryption: { keyId: (await loadAtRestKey(dir)).recipient } })
    expect(await s3.has(cid)).toBe(false) // the plaintext DAG is not in the bucket under its CID
    expect(await s3.has(CID.parse(ref?.encryption?.ciphertext ?? ''))).toBe(true)
    let bytes = 0
    for await (const block of storage.get(cid, { from: 's3' })) bytes += block.bytes.byteLength
    expect(bytes).toBeGreaterThan(300_000)
  })

  it('a copy corrupted in the bucket during the job fails verification, keeps the source and reports it', async () => {
    const corrupting: StorageBackend = {
      ...s3,
      name: 's3',
      put: async (root, source, options) => {
        const placed = await s3.put(root, source, options)
        await corruptObject(s3server, objectKey(`run-${run}`, root))
        return placed
      },
      get: (root, options) => s3.get(root, options),
      delete: async (root, options) => { await s3.delete(root, options) }
    }
    const migrations = controller(corrupting)
    await migrations.start()
    const cid = await addContent(200_000, 4)
    const [job] = await finished(migrations, await migrations.enqueue((await planFor([movePolicy()], [cid])).items))
    expect(job).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'ERR_BLOCK_CORRUPT', message: expect.stringMatching(/failed verification.*source is kept/) } })
    expect(pinned.has(cid.toV1().toString())).toBe(true)
    expect(await storage.index.get(cid)).toEqual([])
    expect(await s3.has(cid)).toBe(false) // the bad copy was removed
    expect(migrations.totals.verifyFailures).toBe(1)
  })

  it('retention: a legal hold blocks the deletion with ERR_RETAINED, the verified copy stays recorded', async () => {
    retention = [retentionSchema.parse({ name: 'hold', legalHold: true })]
    const migrations = controller()
    await migrations.start()
    const cid = await addContent(50_000, 5)
    const [job] = await finished(migrations, await migrations.enqueue((await planFor([movePolicy()], [cid])).items))
    expect(job).toMatchObject({ state: 'failed', error: { code: 'ERR_RETAINED', message: expect.stringContaining('legal hold "hold"') } })
    expect(pinned.has(cid.toV1().toString())).toBe(true)
    expect((await storage.index.get(cid)).map(r => r.backend)).toEqual(['s3'])
  })

  it('an evict with no other copy is not planned; expire after its date drops every copy', async () => {
    const migrations = controller()
    await migrations.start()
    const cid = await addContent(40_000, 6)
    const evictPlan = await planFor([{ name: 'evict', action: 'evict' }], [cid])
    expect(evictPlan.items).toEqual([])
    expect(evictPlan.skipped[0]?.reason).toMatch(/only one/)
    await finished(migrations, await migrations.enqueue((await planFor([{ name: 'copy', action: 'copy', to: ['s3'] }], [cid])).items))
    expect((await storage.index.get(cid)).map(r => r.backend)).toEqual(['s3'])
    const expirePlan = await planFor([{ name: 'expire', action: 'expire', expireAfterDays: 0 }], [cid])
    expect(expirePlan.items[0]?.targets).toEqual(['local', 's3'])
    const [job] = await finished(migrations, await migrations.enqueue(expirePlan.items))
    expect(job?.state).toBe('done')
    expect(await storage.index.get(cid)).toEqual([])
    expect(await s3.has(cid)).toBe(false)
    expect(pinned.has(cid.toV1().toString())).toBe(false)
  })

  it('retries an unreachable target with backoff; pause, resume and cancel; jobs survive a restart', async () => {
    const unreachable = createS3Backend({ name: 's3', bucket: s3server.bucket, prefix: `run-${run}`, endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    const first = controller(unreachable, { maxAttempts: 2 })
    await first.start()
    const cid = await addContent(30_000, 7)
    const [failed] = await finished(first, await first.enqueue((await planFor([movePolicy()], [cid])).items))
    expect(failed).toMatchObject({ state: 'failed', attempts: 2 })
    expect(failed?.error?.code).not.toBe('ERR_BLOCK_CORRUPT')
    expect(pinned.has(cid.toV1().toString())).toBe(true)

    await first.pause()
    const other = await addContent(30_000, 8)
    const [queued] = await first.enqueue((await planFor([movePolicy({ name: 'cold2' })], [other])).items)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(first.get(queued?.id ?? '').state).toBe('queued') // the queue is paused
    await first.stop()

    // a new controller on the same datastore (a restarted relay) with the bucket reachable: paused stays paused
    const second = controller(s3)
    await second.start()
    expect(second.isPaused).toBe(true)
    expect(second.list().map(j => j.state).sort()).toEqual(['failed', 'queued'])
    await second.resume()
    await second.resume(failed?.id)
    await second.idle()
    expect(second.list().map(j => j.state)).toEqual(['done', 'done'])
    expect(pinned.size).toBe(0)
    await expect(second.cancel(failed?.id ?? '')).rejects.toMatchObject({ code: 'ERR_CONFLICT' })
    const third = await addContent(30_000, 9)
    await second.pause()
    const [toCancel] = await second.enqueue((await planFor([movePolicy({ name: 'cold3' })], [third])).items)
    expect((await second.cancel(toCancel?.id ?? '')).state).toBe('cancelled')
    await second.resume()
    await second.idle()
    expect(pinned.has(third.toV1().toString())).toBe(true)
    await expect(second.resume('no-such-job')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
  })

  it('moves between two remote backends (S3 → the Hub stand-in): staged from S3 verified, verified on the Hub, S3 copy deleted', async () => {
    const hub = await startFakeHub({ tokens: { hf_migrate: 'write' } })
    hub.createRepo('dataset', `kit/migrate-${run}`)
    const hf = createHuggingFaceBackend({ name: 'hf', repo: `kit/migrate-${run}`, repoType: 'dataset', hubUrl: hub.url, token: 'hf_migrate' })
    try {
      const migrations = controller([s3, hf])
      await migrations.start()
      const cid = await addContent(250_000, 10)
      const [copied] = await finished(migrations, await migrations.enqueue((await planFor([{ name: 'to-s3', action: 'copy', to: ['s3'] }], [cid])).items))
      expect(copied?.state).toBe('done')
      // the relay lets its own copy go: the content now lives on S3 only
      pinned.delete(cid.toV1().toString())
      for await (const { cid: block } of blockstore.getAll()) await blockstore.delete(block)

      const movePlan = await planFor([{ name: 's3-to-hub', action: 'move', from: 's3', to: ['hf'] }], [cid])
      expect(movePlan.items.map(i => [i.source, i.targets])).toEqual([['s3', ['hf']]])
      expect(movePlan.items[0]?.cost.egressUsd).toBeGreaterThan(0) // read out of S3 once
      const [moved] = await finished(migrations, await migrations.enqueue(movePlan.items))
      expect(moved).toMatchObject({ state: 'done', done: ['hf'] })
      expect((await storage.index.get(cid)).map(r => [r.backend, r.state])).toEqual([['hf', 'ok']])
      expect(await s3.has(cid)).toBe(false)
      let bytes = 0
      for await (const block of storage.get(cid, { from: 'hf' })) bytes += block.bytes.byteLength
      expect(bytes).toBeGreaterThan(250_000)
    } finally {
      await hub.stop()
    }
  })

  it('refuses bad policies naming the field', () => {
    const problems = (input: unknown): string[] => {
      const result = policySchema.safeParse(input)
      return result.success ? [] : result.error.issues.map(i => i.path.join('.'))
    }
    expect(problems({ name: 'x', action: 'move' })).toEqual(['to'])
    expect(problems({ name: 'x', action: 'expire' })).toEqual(['expireAfterDays'])
    expect(problems({ name: 'x', action: 'copy', to: ['s3'], match: { mime: ['not a type'] } })).toEqual(['match.mime.0'])
    expect(problems({ name: 'x', action: 'copy', to: ['s3'], match: { sizeOver: 1 } })).toEqual(['match'])
    expect(problems({ name: 'bad name', action: 'evict' })).toEqual(['name'])
  })
})
