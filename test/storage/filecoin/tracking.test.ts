import { MemoryBlockstore } from 'blockstore-core/memory'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContentStore } from '../../../core/content/index.ts'
import { checkCopies, createFilecoinBackend, rankProviders, repairCopies } from '../../../node-relay/storage/filecoin/index.ts'
import { pseudoRandomBytes } from '../../support/fixtures.ts'
import { mockSynapse } from '../../support/synapse-client.ts'
import { PROVING_PERIOD, START_EPOCH, startSynapseProviders } from '../../support/synapse-providers.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'
import type { CID } from 'multiformats/cid'

let providers: SynapseProviders
let seed = 500

beforeAll(() => { providers = startSynapseProviders({ thirdProvider: true }) })
afterAll(() => { providers.stop() })

async function content (): Promise<{ root: CID, source: MemoryBlockstore }> {
  const source = new MemoryBlockstore()
  const { cid } = await createContentStore({ blockstore: source }).add(pseudoRandomBytes(300_000, ++seed), { chunker: { type: 'fixed', size: 256 * 1024 } })
  return { root: cid, source }
}

describe('filecoin copy tracking and repair (PDP verifier state from the SDK mocks)', () => {
  it('moves copies added → proving → proven, a stalled data set to faulted, and repair places a new copy on a third provider', async () => {
    providers.chain.epoch = START_EPOCH
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2 })
    const { root, source } = await content()
    await backend.put(root, source)
    const put = await backend.records.get(root.toString())
    expect(put?.copies.map((c) => c.state)).toEqual(['added', 'added'])
    expect(put?.copies.every((c) => c.addedEpoch === Number(START_EPOCH))).toBe(true)

    // the data sets are challenged, no proof since the piece was added yet
    const first = await checkCopies(backend)
    expect(first.map((c) => c.to)).toEqual(['proving', 'proving'])

    // one provider stops proving; a proving period later the other has proven, this one missed its window
    const [bad, good] = put?.copies ?? []
    if (bad === undefined || good === undefined) throw new Error('two copies expected')
    providers.chain.stall(BigInt(bad.dataSetId))
    providers.chain.epoch = START_EPOCH + PROVING_PERIOD + 120n
    const second = await checkCopies(backend)
    expect(second).toEqual(expect.arrayContaining([
      expect.objectContaining({ providerId: bad.providerId, from: 'proving', to: 'faulted' }),
      expect.objectContaining({ providerId: good.providerId, from: 'proving', to: 'proven' })
    ]))
    const checked = await backend.records.get(root.toString())
    expect(checked?.copies.find((c) => c.providerId === bad.providerId)?.reason).toMatch(/no proof for the challenge/)
    expect(checked?.copies.find((c) => c.providerId === good.providerId)?.lastProvenEpoch).toBe(Number(START_EPOCH + PROVING_PERIOD))
    // the time to the first proof went into the provider's history (one proving period = 24 h)
    expect((await backend.history.get(good.providerId))?.medianProofMs).toBe(Number(PROVING_PERIOD) * 30_000)

    // a dry run says what it would do and changes nothing
    const third = ['1', '2', '3'].find((id) => id !== bad.providerId && id !== good.providerId)
    const dry = await repairCopies(backend, { dryRun: true })
    expect(dry).toEqual([expect.objectContaining({ root: root.toString(), healthy: 1, wanted: 2, chosen: [third], placed: [] })])
    expect((await backend.records.get(root.toString()))?.copies).toHaveLength(2)

    const repaired = await repairCopies(backend)
    expect(repaired[0]?.error).toBeUndefined()
    expect(repaired[0]?.placed.map((p) => p.providerId)).toEqual([third])
    expect(repaired[0]?.replacing).toEqual([expect.objectContaining({ providerId: bad.providerId, state: 'faulted' })])
    const after = await backend.records.get(root.toString())
    expect(after?.copies.map((c) => `${c.providerId}:${c.state}`).sort()).toEqual([`${bad.providerId}:faulted`, `${good.providerId}:proven`, `${third ?? ''}:added`].sort())
    // nothing left to repair
    expect(await repairCopies(backend)).toEqual([])
  })

  it('ranks registry providers with our history and the operator filters, explaining each score', async () => {
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2, policy: { deny: ['3'] } })
    await backend.history.upload('1', true)
    await backend.history.retrieval('1', 'corrupt', 50)
    await backend.history.upload('2', true)
    await backend.history.retrieval('2', 'ok', 50)
    const ranked = await rankProviders(backend)
    expect(ranked.map((p) => p.providerId)).toEqual(['2', '1', '3'])
    expect(ranked[2]).toMatchObject({ excluded: 'on the deny list', score: 0 })
    expect(ranked[0]).toMatchObject({ region: 'US', approved: true, serviceUrl: 'https://pdp.example.com' })
    expect(ranked[1]?.terms.find((t) => t.name === 'reliability')?.because).toBe('1/1 uploads, 0/1 verified retrievals, 1 served wrong bytes')
    const eu = await rankProviders(backend, { policy: { regions: ['EU'] } })
    expect(eu.every((p) => p.excluded === 'region US is not in EU')).toBe(true)
  })

  it('delete asks each provider to schedule the piece removal, then forgets the root', async () => {
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2 })
    const { root, source } = await content()
    await backend.put(root, source)
    const record = await backend.records.get(root.toString())
    await backend.delete(root)
    for (const copy of record?.copies ?? []) expect(providers.chain.removals.has(`${copy.dataSetId}/${copy.pieceId}`)).toBe(true)
    expect(await backend.has(root)).toBe(false)
    expect(await backend.records.get(root.toString())).toBeUndefined()
  })
})
