import { MemoryBlockstore } from 'blockstore-core/memory'
import { Registry } from 'prom-client'
import { parseUnits } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContentStore } from '../../../core/content/index.ts'
import { EventBus } from '../../../core/events/bus.ts'
import { startCopyWatch } from '../../../node-relay/storage/filecoin/copy-watch.ts'
import { accountTerm, checkCopies, copyMetrics, createFilecoinBackend, renewTerm, repairCopies } from '../../../node-relay/storage/filecoin/index.ts'
import { pseudoRandomBytes } from '../../support/fixtures.ts'
import { mockSynapse } from '../../support/synapse-client.ts'
import { PROVING_PERIOD, START_EPOCH, startSynapseProviders } from '../../support/synapse-providers.ts'
import type { NodeEvent } from '../../../core/events/bus.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'
import type { CID } from 'multiformats/cid'

const DAY = 2880n
let providers: SynapseProviders
let seed = 900

beforeAll(() => { providers = startSynapseProviders({ thirdProvider: true, tokenApproved: true }) })
afterAll(() => { providers.stop() })

async function content (): Promise<{ root: CID, source: MemoryBlockstore }> {
  const source = new MemoryBlockstore()
  const { cid } = await createContentStore({ blockstore: source }).add(pseudoRandomBytes(200_000, ++seed), { chunker: { type: 'fixed', size: 256 * 1024 } })
  return { root: cid, source }
}

/** Put fresh content, stop the provider of its first copy proving, and move the chain past that copy's window; the stalled copy. */
async function putWithOneStalledCopy (backend: ReturnType<typeof createFilecoinBackend>): Promise<{ providerId: string, dataSetId: string }> {
  const { root, source } = await content()
  await backend.put(root, source)
  const [bad] = (await backend.records.get(root.toString()))?.copies ?? []
  if (bad === undefined) throw new Error('a copy expected')
  providers.chain.stall(BigInt(bad.dataSetId))
  providers.chain.epoch = START_EPOCH + PROVING_PERIOD + 120n
  return bad
}

function listen (bus: EventBus): NodeEvent[] {
  const events: NodeEvent[] = []
  bus.subscribe((e) => { events.push(e) })
  return events
}

describe('filecoin terms: renewal before a copy lapses (simulated chain time)', () => {
  it('replaces a copy whose data set ends within the margin before it lapses, then marks it expired; events and metrics follow', async () => {
    providers.chain.epoch = START_EPOCH
    const events = new EventBus()
    const seen = listen(events)
    const registry = new Registry()
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2, events, renewal: { withinDays: 7 } })
    copyMetrics(registry, [backend], events)
    const { root, source } = await content()
    await backend.put(root, source)
    const [ending, staying] = (await backend.records.get(root.toString()))?.copies ?? []
    if (ending === undefined || staying === undefined) throw new Error('two copies expected')
    await checkCopies(backend)

    // the first copy's provider terminates its service: the rail (and the copy) ends in 3 days
    const end = START_EPOCH + 3n * DAY
    providers.chain.ending.set(BigInt(ending.dataSetId), end)
    await checkCopies(backend)
    expect((await backend.records.get(root.toString()))?.copies.find((c) => c.dataSetId === ending.dataSetId)?.termEndEpoch).toBe(Number(end))

    // still proving, but its term ends within 7 days: the watch's repair gives the root a copy elsewhere now
    const third = ['1', '2', '3'].find((id) => id !== ending.providerId && id !== staying.providerId)
    const renewed = await repairCopies(backend, { auto: true })
    expect(renewed).toEqual([expect.objectContaining({ kind: 'renewal', healthy: 1, wanted: 2, chosen: [third] })])
    expect(renewed[0]?.error).toBeUndefined()
    expect(renewed[0]?.placed.map((p) => p.providerId)).toEqual([third])
    expect(renewed[0]?.replacing).toEqual([expect.objectContaining({ providerId: ending.providerId, reason: `term ends at epoch ${end}` })])
    expect(await repairCopies(backend, { auto: true })).toEqual([])

    // time passes the end: the old copy is expired, the root still has two healthy copies
    providers.chain.epoch = end + 1n
    const changes = await checkCopies(backend)
    expect(changes).toEqual(expect.arrayContaining([expect.objectContaining({ providerId: ending.providerId, to: 'expired', reason: `data set ${ending.dataSetId}'s term ended at epoch ${end}` })]))
    const after = await backend.records.get(root.toString())
    expect(after?.copies.map((c) => `${c.providerId}:${c.state}`).sort()).toEqual([`${ending.providerId}:expired`, `${staying.providerId}:proven`, `${third ?? ''}:proven`].sort())
    expect(await repairCopies(backend, { auto: true })).toEqual([])

    // the bus saw each change and the repair; /metrics counts them and the copies by state
    expect(seen).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'filecoin:copy', backend: 'fil', cid: root.toString(), providerId: ending.providerId, from: 'proving', to: 'expired' }),
      expect.objectContaining({ type: 'filecoin:repair', backend: 'fil', cid: root.toString(), kind: 'renewal', replacing: [ending.providerId], placed: [third] })
    ]))
    const text = await registry.metrics()
    expect(text).toContain('ipfs_kit_filecoin_copies{backend="fil",state="expired"} 1')
    expect(text).toContain('ipfs_kit_filecoin_copies{backend="fil",state="proven"} 2')
    expect(text).toContain('ipfs_kit_filecoin_repairs_total{backend="fil",kind="renewal",outcome="placed"} 1')
    expect(text).toContain('ipfs_kit_filecoin_copy_transitions_total{backend="fil",state="expired"} 1')
  })

  it('tops up the deposit when it runs out within the margin, only with autoRenew, and within the monthly budget', async () => {
    providers.chain.epoch = START_EPOCH
    providers.chain.deposits.length = 0
    // 10 USDFC drawn at 0.001 USDFC an epoch: funded for 10,000 epochs (about 3.5 days)
    providers.chain.account = { funds: parseUnits('10', 18), lockupCurrent: 0n, lockupRate: parseUnits('0.001', 18), lockupLastSettledAt: START_EPOCH }
    const term = await accountTerm(mockSynapse())
    expect(term.fundedUntilEpoch).toBe(Number(START_EPOCH) + 10_000)

    // the watch without autoRenew announces it and spends nothing
    const events = new EventBus()
    const seen = listen(events)
    const cautious = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), events, renewal: { withinDays: 7, auto: false } })
    expect(await renewTerm(cautious, { auto: true })).toMatchObject({ action: 'needs-deposit', amountUsdfc: '86.4' })
    expect(providers.chain.deposits).toEqual([])
    expect(seen).toEqual([expect.objectContaining({ type: 'filecoin:renewal', action: 'needs-deposit', amountUsdfc: '86.4', fundedUntilEpoch: Number(START_EPOCH) + 10_000 })])

    // with autoRenew: one month of the lockup rate is deposited and the term moves past the margin
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), events, renewal: { withinDays: 7, auto: true, months: 1 }, budget: { maxUsdfcPerMonth: 100 } })
    const done = await renewTerm(backend, { auto: true })
    expect(done).toMatchObject({ action: 'deposit', amountUsdfc: '86.4' })
    expect(done.transaction).toMatch(/^0x[0-9a-f]{64}$/)
    expect(providers.chain.deposits).toEqual([parseUnits('86.4', 18)])
    expect((await accountTerm(backend.synapse)).fundedUntilEpoch).toBe(Number(START_EPOCH) + 96_400)
    expect(await renewTerm(backend, { auto: true })).toMatchObject({ action: 'none' })

    // 27 days later the term nears its end again; another top-up would pass 100 USDFC in 30 days: refused
    providers.chain.epoch = START_EPOCH + 27n * DAY
    const refused = await renewTerm(backend, { auto: true })
    expect(refused).toMatchObject({ action: 'needs-deposit', code: 'ERR_BUDGET_EXCEEDED' })
    expect(refused.reason).toContain('over budget.maxUsdfcPerMonth 100')
    expect(providers.chain.deposits).toHaveLength(1)
    expect(seen).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'filecoin:renewal', action: 'deposit', amountUsdfc: '86.4' }),
      expect.objectContaining({ type: 'filecoin:budget', kind: 'deposit' })
    ]))
    // a person's explicit dry run reads only
    expect(await renewTerm(backend, { dryRun: true })).toMatchObject({ action: 'needs-deposit', reason: 'dry run' })
    providers.chain.account = { funds: parseUnits('500', 18), lockupCurrent: 0n, lockupRate: 0n, lockupLastSettledAt: 1_000_000n }
  })
})

describe('filecoin budget cap and provider choice', () => {
  it('refuses automatic repairs beyond maxRepairsPerDay with ERR_BUDGET_EXCEEDED and an event; an explicit repair still runs', async () => {
    providers.chain.epoch = START_EPOCH
    const events = new EventBus()
    const seen = listen(events)
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2, events, budget: { maxRepairsPerDay: 0 } })
    await putWithOneStalledCopy(backend)
    await checkCopies(backend)
    const refused = await repairCopies(backend, { auto: true })
    expect(refused).toEqual([expect.objectContaining({ kind: 'repair', code: 'ERR_BUDGET_EXCEEDED', placed: [] })])
    expect(refused[0]?.error).toContain('over budget.maxRepairsPerDay 0')
    expect(seen).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'filecoin:budget', kind: 'repair' })]))
    const explicit = await repairCopies(backend)
    expect(explicit[0]?.placed).toHaveLength(1)
  })

  it('puts copies on the distinct providers our scores rank best', async () => {
    providers.chain.epoch = START_EPOCH
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2 })
    // provider 1 served wrong bytes twice; 3 served verified reads quickly; 2 is new (neutral)
    await backend.history.retrieval('1', 'corrupt', 40)
    await backend.history.retrieval('1', 'corrupt', 40)
    await backend.history.upload('3', true)
    await backend.history.retrieval('3', 'ok', 20)
    expect(await backend.chooseProviders()).toEqual([3n, 2n])
    const { root, source } = await content()
    await backend.put(root, source)
    expect((await backend.records.get(root.toString()))?.copies.map((c) => c.providerId)).toEqual(['3', '2'])
  })
})

describe('the copy watch', () => {
  it('checks, announces a deposit running out, and replaces a faulted copy by itself, all on the bus', async () => {
    providers.chain.epoch = START_EPOCH
    const events = new EventBus()
    const seen = listen(events)
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2, checkIntervalMs: 20, autoRepair: true, renewal: { withinDays: 7, auto: false } })
    const bad = await putWithOneStalledCopy(backend)
    providers.chain.account = { funds: parseUnits('10', 18), lockupCurrent: 0n, lockupRate: parseUnits('0.001', 18), lockupLastSettledAt: START_EPOCH + PROVING_PERIOD }
    const warnings: string[] = []
    const deposits = providers.chain.deposits.length
    const stop = startCopyWatch([backend], { events, log: { info: () => {}, warn: (_fields, message) => { warnings.push(message) } } })
    try {
      // wait (without asserting on time) for the tick that repaired
      while (!seen.some((e) => e.type === 'filecoin:repair')) await new Promise((resolve) => setTimeout(resolve, 20))
    } finally {
      await stop()
      providers.chain.account = { funds: parseUnits('500', 18), lockupCurrent: 0n, lockupRate: 0n, lockupLastSettledAt: 1_000_000n }
    }
    expect(seen).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'filecoin:copy', providerId: bad.providerId, to: 'faulted' }),
      expect.objectContaining({ type: 'filecoin:renewal', action: 'needs-deposit', amountUsdfc: '86.4' }),
      expect.objectContaining({ type: 'filecoin:repair', kind: 'repair', replacing: [bad.providerId] })
    ]))
    expect(warnings).toContain('filecoin deposit term')
    expect(providers.chain.deposits).toHaveLength(deposits) // autoRenew is off: nothing was deposited
  })
})
