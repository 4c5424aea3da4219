import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FsDatastore } from 'datastore-fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { EventBus } from '../../core/events/bus.ts'
import { ReferenceIndex, StorageManager, createLocalBackend, readVerifiedDag } from '../../core/storage/index.ts'
import { createS3Backend, objectKey } from '../../node-relay/storage/s3/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { corruptObject, S3RVER_CREDENTIALS, startS3Server } from './s3-support.ts'
import type { NodeEvent } from '../../core/events/bus.ts'
import type { StorageBackend, VerifiedBlock } from '../../core/storage/index.ts'
import type { S3Server } from './s3-support.ts'
import type { CID } from 'multiformats/cid'

async function collect (blocks: AsyncIterable<VerifiedBlock>): Promise<VerifiedBlock[]> {
  const out: VerifiedBlock[] = []
  for await (const block of blocks) out.push(block)
  return out
}

describe('storage manager over local + two S3 services (s3rver)', () => {
  let east: S3Server
  let west: S3Server
  let dir: string
  let datastore: FsDatastore
  let blockstore: MemoryBlockstore
  let manager: StorageManager
  let events: NodeEvent[]
  let run = 0

  const s3 = (server: S3Server, name: string, egressUsdPerGb: number): StorageBackend => createS3Backend({
    name, bucket: server.bucket, prefix: `run-${run}`, endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, cost: { egressUsdPerGb }
  })

  const addContent = async (length: number, seed: number): Promise<CID> => {
    const { cid } = await createContentStore({ blockstore }).add(pseudoRandomBytes(length, seed), { chunker: { type: 'fixed', size: 64 * 1024 } })
    return cid
  }

  beforeAll(async () => {
    east = await startS3Server('east')
    west = await startS3Server('west')
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-refs-'))
  })
  afterAll(async () => {
    await east.stop()
    await west.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  beforeEach(async () => {
    run++
    datastore = new FsDatastore(join(dir, `ds-${run}`))
    await datastore.open()
    blockstore = new MemoryBlockstore()
    events = []
    const bus = new EventBus()
    bus.subscribe(e => events.push(e))
    manager = new StorageManager({
      local: createLocalBackend({ name: 'local', blockstore }),
      localBlocks: blockstore,
      backends: [s3(east, 's3-east', 0.09), s3(west, 's3-west', 0.02)],
      index: new ReferenceIndex({ datastore }),
      events: bus,
      policy: { default: ['s3-west'], bySize: [{ minBytes: 500_000, backends: ['s3-east'] }] }
    })
  })

  it('puts once locally and places copies by the policy, recording each in the index', async () => {
    const small = await addContent(10_000, 1)
    const large = await addContent(600_000, 2)
    const smallReport = await manager.put(small)
    expect(smallReport.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3-west', true]])
    const largeReport = await manager.put(large)
    expect(largeReport.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3-west', true], ['s3-east', true]])
    const refs = await manager.references(large)
    expect(refs.map(r => [r.backend, r.state])).toEqual([['local', 'ok'], ['s3-east', 'ok'], ['s3-west', 'ok']])
    expect(refs.find(r => r.backend === 's3-east')?.locator).toBe(`s3://east/run-${run}/${large.toV1().toString()}.car`)
    expect(events.filter(e => e.type === 'storage:placed')).toHaveLength(5)
  })

  it('places on the backends named per content instead of the policy', async () => {
    const cid = await addContent(10_000, 3)
    const report = await manager.put(cid, { to: ['s3-east'] })
    expect(report.placements.map(p => p.backend)).toEqual(['local', 's3-east'])
    await expect(manager.put(cid, { to: ['nowhere'] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
  })

  it('keeps a backend\'s size limit: bigger content is not placed there (ERR_TOO_LARGE) and not recorded', async () => {
    const limited = new StorageManager({
      local: createLocalBackend({ name: 'local', blockstore }),
      localBlocks: blockstore,
      backends: [s3(east, 's3-east', 0.09), s3(west, 's3-west', 0.02)],
      index: new ReferenceIndex({ datastore }),
      maxBytes: { 's3-east': 100_000 }
    })
    const small = await addContent(50_000, 7)
    const large = await addContent(200_000, 8)
    expect((await limited.put(small, { to: ['s3-east'] })).placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3-east', true]])
    const report = await limited.put(large, { to: ['s3-east', 's3-west'] })
    expect(report.placements).toMatchObject([
      { backend: 'local', ok: true },
      { backend: 's3-east', ok: false, error: { code: 'ERR_TOO_LARGE' } },
      { backend: 's3-west', ok: true }
    ])
    expect((await limited.references(large)).map(r => r.backend)).toEqual(['local', 's3-west'])
  })

  it('reads local first, then recorded copies by latency and cost', async () => {
    const cid = await addContent(10_000, 4)
    await manager.put(cid, { to: ['s3-east', 's3-west'] })
    expect((await manager.sources(cid)).map(b => b.name)).toEqual(['local', 's3-west', 's3-east'])
  })

  it('never serves a copy corrupted in the bucket: reads another, marks and reports the bad one', async () => {
    const cid = await addContent(300_000, 5)
    const expected = (await collect(readVerifiedDag(blockstore, cid))).length
    await manager.put(cid, { to: ['s3-east', 's3-west'] })
    await manager.backend('local').delete(cid)
    await corruptObject(west, objectKey(`run-${run}`, cid))

    const blocks = await collect(manager.get(cid))
    expect(blocks).toHaveLength(expected)
    expect(events.filter(e => e.type === 'storage:corrupt').map(e => e.backend)).toEqual(['s3-west'])
    const west0 = (await manager.references(cid)).find(r => r.backend === 's3-west')
    expect(west0?.state).toBe('corrupt')

    // the marked copy is skipped from now on
    await collect(manager.get(cid))
    expect(events.filter(e => e.type === 'storage:corrupt')).toHaveLength(1)
    expect((await manager.sources(cid)).map(b => b.name)).not.toContain('s3-west')

    // with every remaining copy corrupt too, a typed error and no bytes
    await corruptObject(east, objectKey(`run-${run}`, cid))
    await expect(collect(manager.get(cid))).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
  })

  it('keeps the index across a restart (persisted in the datastore)', async () => {
    const cid = await addContent(10_000, 6)
    await manager.put(cid, { to: ['s3-east'] })
    await datastore.close()
    const reopened = new FsDatastore(join(dir, `ds-${run}`))
    await reopened.open()
    const refs = await new ReferenceIndex({ datastore: reopened }).get(cid)
    expect(refs.map(r => r.backend)).toEqual(['local', 's3-east'])
  })

  it('with a backend down: put reports the failed placement, get falls back, status shows it unhealthy', async () => {
    const cid = await addContent(200_000, 7)
    await manager.put(cid, { to: ['s3-east', 's3-west'] })
    await manager.backend('local').delete(cid)
    await west.stop()

    const fresh = await addContent(20_000, 8)
    const report = await manager.put(fresh, { to: ['s3-east', 's3-west'] })
    expect(report.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3-east', true], ['s3-west', false]])
    const failed = report.placements.find(p => !p.ok)
    expect(failed !== undefined && !failed.ok ? failed.error.code : undefined).toBe('ERR_BACKEND_UNAVAILABLE')
    expect((await manager.references(fresh)).map(r => r.backend)).toEqual(['local', 's3-east'])

    expect((await collect(manager.get(cid))).length).toBeGreaterThan(1)
    expect(events.some(e => e.type === 'storage:failed' && e.backend === 's3-west' && e.operation === 'get')).toBe(true)
    const status = await manager.status()
    expect(status.find(s => s.name === 's3-west')?.status.healthy).toBe(false)
    expect(status.find(s => s.name === 's3-east')?.status.healthy).toBe(true)
    expect(status.find(s => s.name === 'local')?.status.healthy).toBe(true)
  })
})
