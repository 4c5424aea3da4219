/**
 * Filecoin repairs as migration jobs, on the Synapse SDK's own mocks and the real migration controller: a faulted
 * copy makes `enqueueRepairs` queue a `repair` job (source: the node's own verified copy), the controller runs it and
 * the backend places a new copy with the third provider; a job a crash left `running` (before or after the copy was
 * recorded) reruns after a restart and leaves exactly the copies wanted, never a phantom or a duplicate record;
 * an automatic repair beyond the budget cap fails its job with ERR_BUDGET_EXCEEDED.
 */
import { MemoryDatastore } from 'datastore-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../../core/blocks/index.ts'
import { createContentStore } from '../../../core/content/index.ts'
import { EventBus } from '../../../core/events/bus.ts'
import { JobStore, MigrationController } from '../../../core/migration/index.ts'
import { ReferenceIndex, StorageManager, createLocalBackend } from '../../../core/storage/index.ts'
import { verifiedReference } from '../../../core/storage/reference-index.ts'
import { checkCopies, createFilecoinBackend } from '../../../node-relay/storage/filecoin/index.ts'
import { REPAIR_POLICY, enqueueRepairs } from '../../../node-relay/storage/filecoin/repair-jobs.ts'
import { pseudoRandomBytes } from '../../support/fixtures.ts'
import { mockSynapse } from '../../support/synapse-client.ts'
import { PROVING_PERIOD, START_EPOCH, startSynapseProviders } from '../../support/synapse-providers.ts'
import type { Job } from '../../../core/migration/index.ts'
import type { NodeEvent } from '../../../core/events/bus.ts'
import type { FilecoinBackend } from '../../../node-relay/storage/filecoin/index.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'
import type { CID } from 'multiformats/cid'

let providers: SynapseProviders
let seed = 900

beforeAll(() => { providers = startSynapseProviders({ thirdProvider: true }) })
afterAll(() => { providers.stop() })

interface Setup {
  backend: FilecoinBackend
  root: CID
  storage: StorageManager
  datastore: MemoryDatastore
  blockstore: MemoryBlockstore
  events: NodeEvent[]
  bus: EventBus
  bad: string
  third: string
}

/** Content in the node's blockstore (recorded as its verified copy) and on Filecoin, one of whose two copies faulted. */
async function faulted (init: { budget?: { maxRepairsPerDay: number } } = {}): Promise<Setup> {
  providers.chain.epoch = START_EPOCH
  const bus = new EventBus()
  const events: NodeEvent[] = []
  bus.subscribe((e) => { events.push(e) })
  const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2, events: bus, ...(init.budget !== undefined && { budget: init.budget }) })
  const blockstore = new MemoryBlockstore()
  const { cid: root } = await createContentStore({ blockstore }).add(pseudoRandomBytes(200_000, ++seed), { chunker: { type: 'fixed', size: 64 * 1024 } })
  const datastore = new MemoryDatastore()
  const storage = new StorageManager({ local: createLocalBackend({ name: 'local', blockstore }), localBlocks: blockstore, backends: [backend], index: new ReferenceIndex({ datastore }), events: bus })
  const placed = await backend.put(root, blockstore)
  await storage.index.set(verifiedReference(root.toString(), 'local', { cid: root, size: placed.size, locator: root.toString() }))
  await checkCopies(backend)
  const [bad, good] = (await backend.records.get(root.toString()))?.copies ?? []
  if (bad === undefined || good === undefined) throw new Error('two copies expected')
  providers.chain.stall(BigInt(bad.dataSetId))
  providers.chain.epoch = START_EPOCH + PROVING_PERIOD + 120n
  await checkCopies(backend)
  const third = ['1', '2', '3'].find((id) => id !== bad.providerId && id !== good.providerId) ?? ''
  return { backend, root, storage, datastore, blockstore, events, bus, bad: bad.providerId, third }
}

function controllerOf (s: Setup): MigrationController {
  return new MigrationController({
    storage: s.storage, localBlocks: s.blockstore, datastore: s.datastore,
    item: async () => undefined, retention: () => [], unpinLocal: async () => {}, events: s.bus
  }, { retryBaseMs: 20, maxAttempts: 1 })
}

async function copiesOf (s: Setup): Promise<string[]> {
  return ((await s.backend.records.get(s.root.toString()))?.copies ?? []).map((c) => `${c.providerId}:${c.state}`).sort()
}

describe('filecoin repairs as migration jobs', () => {
  it('queues a repair job for a faulted copy; the controller runs it and a new copy lands with the third provider', async () => {
    const s = await faulted()
    const migrations = controllerOf(s)
    await migrations.start()
    try {
      const repairs = await enqueueRepairs(s.backend, { controller: migrations, storage: s.storage })
      expect(repairs).toEqual([expect.objectContaining({ root: s.root.toString(), kind: 'repair', chosen: [s.third], placed: [] })])
      const id = repairs[0]?.job ?? ''
      expect(migrations.get(id)).toMatchObject({ action: 'repair', policy: REPAIR_POLICY, targets: ['fil'], source: 'local', auto: false })
      // queued twice (the watch ticks again before it ran): still one job
      expect((await enqueueRepairs(s.backend, { controller: migrations, storage: s.storage }))[0]?.job).toBe(id)
      await migrations.idle()
      const job = migrations.get(id)
      expect(job).toMatchObject({ state: 'done', done: ['fil'], placed: [s.third] })
      expect(job.error).toBeUndefined()
      expect(await copiesOf(s)).toContain(`${s.third}:added`)
      expect(await copiesOf(s)).toHaveLength(3)
      // the new copy reads back, every block verified against the root
      let blocks = 0
      for await (const block of s.backend.get(s.root)) blocks += block.bytes.byteLength > 0 ? 1 : 0
      expect(blocks).toBeGreaterThan(1)
      expect(s.events).toEqual(expect.arrayContaining([
        expect.objectContaining({ type: 'migration:job', id, state: 'queued' }),
        expect.objectContaining({ type: 'migration:job', id, state: 'done' }),
        expect.objectContaining({ type: 'filecoin:repair', cid: s.root.toString(), replacing: [s.bad], placed: [s.third] })
      ]))
      // nothing left to repair: no new job
      expect(await enqueueRepairs(s.backend, { controller: migrations, storage: s.storage })).toEqual([])
    } finally {
      await migrations.stop()
    }
  })

  it('a repair job a crash left running reruns after a restart: one new copy, no phantom or duplicate record', async () => {
    const s = await faulted()
    // the first relay queued the job, started it and was killed mid-upload: the store holds it `running`, nothing recorded
    const first = controllerOf(s)
    const [queued] = await first.enqueue([{ cid: s.root.toString(), name: '', policy: REPAIR_POLICY, action: 'repair', priority: 1_000, targets: ['fil'], bytes: 0, source: 'local' }])
    if (queued === undefined) throw new Error('a job expected')
    const store = new JobStore({ datastore: s.datastore })
    await store.load()
    const killed: Job = { ...queued, state: 'running', step: 'copy', attempts: 1 }
    await store.save(killed)
    expect(await copiesOf(s)).toHaveLength(2)

    const restarted = controllerOf(s)
    await restarted.start()
    await restarted.idle()
    expect(restarted.get(queued.id)).toMatchObject({ state: 'done', placed: [s.third] })
    const copies = await copiesOf(s)
    expect(copies).toHaveLength(3)
    expect(copies).toEqual(expect.arrayContaining([`${s.bad}:faulted`, `${s.third}:added`]))
    await restarted.stop()

    // killed after the copy was recorded but before the job was: the rerun finds the copies and places nothing more
    await store.load()
    await store.save({ ...restarted.get(queued.id), state: 'running', step: 'copy', done: [] })
    const again = controllerOf(s)
    await again.start()
    await again.idle()
    expect(again.get(queued.id)).toMatchObject({ state: 'done', placed: [] })
    expect(await copiesOf(s)).toHaveLength(3)
    await again.stop()
  })

  it('an automatic repair job beyond maxRepairsPerDay fails with ERR_BUDGET_EXCEEDED; an explicit one is not capped', async () => {
    const s = await faulted({ budget: { maxRepairsPerDay: 0 } })
    const migrations = controllerOf(s)
    await migrations.start()
    try {
      const [auto] = await enqueueRepairs(s.backend, { controller: migrations, storage: s.storage }, { auto: true })
      await migrations.idle()
      expect(migrations.get(auto?.job ?? '')).toMatchObject({ state: 'failed', auto: true, error: { code: 'ERR_BUDGET_EXCEEDED' } })
      expect(await copiesOf(s)).toHaveLength(2)
      expect(s.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'filecoin:budget', kind: 'repair' })]))

      const [explicit] = await enqueueRepairs(s.backend, { controller: migrations, storage: s.storage })
      await migrations.idle()
      expect(migrations.get(explicit?.job ?? '')).toMatchObject({ state: 'done', auto: false, placed: [s.third] })
    } finally {
      await migrations.stop()
    }
  })
})
