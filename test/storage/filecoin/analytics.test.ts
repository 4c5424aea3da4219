import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LotusClient, chainStatus, countSet, providerChainInfo } from '../../../node-relay/storage/filecoin/index.ts'
import { rejection } from '../../support/fixtures.ts'
import { startLotusFake } from '../../support/lotus-fake.ts'
import type { LotusFake } from '../../support/lotus-fake.ts'

let lotus: LotusFake
beforeAll(async () => {
  lotus = await startLotusFake()
  lotus.state.miners.f01000 = { raw: (2n ** 50n).toString(), qa: (2n ** 54n).toString(), faults: [10, 3, 100, 2], peerId: '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', sectorSize: 34359738368 }
  lotus.state.balances.f1wallet = '12500000000000000000'
})
afterAll(async () => { await lotus.stop() })

describe('Filecoin chain analytics against a Lotus JSON-RPC 2.0 fake', () => {
  it('reports head, finality, fees and the wallet balance', async () => {
    const client = new LotusClient({ url: lotus.url })
    const status = await chainStatus(client, { wallet: 'f1wallet' })
    expect(status).toEqual({
      height: 3_141_592,
      headTime: new Date(1_764_800_000 * 1000).toISOString(),
      finalizedHeight: 3_141_592 - 900,
      baseFeeAttoFil: '100',
      gasPremiumAttoFil: '99558',
      walletAttoFil: '12500000000000000000'
    })
  })

  it('reports a provider\'s power share and faulty sectors', async () => {
    const info = await providerChainInfo(new LotusClient({ url: lotus.url }), 'f01000')
    expect(info.faultySectors).toBe(5)
    expect(info.powerShare).toBeCloseTo(2 ** 54 / (32 * 2 ** 60), 6)
    expect(info.sectorSize).toBe(34359738368)
  })

  it('answers from the cache within a method\'s TTL and asks again after it', async () => {
    const clock = { now: 0 }
    const client = new LotusClient({ url: lotus.url, now: () => clock.now })
    const before = lotus.calls.get('Filecoin.ChainHead') ?? 0
    await client.chainHead()
    lotus.state.height++
    expect((await client.chainHead()).Height).toBe(lotus.state.height - 1)
    expect(lotus.calls.get('Filecoin.ChainHead')).toBe(before + 1)
    clock.now += 15_001
    expect((await client.chainHead()).Height).toBe(lotus.state.height)
    expect(lotus.calls.get('Filecoin.ChainHead')).toBe(before + 2)
  })

  it('turns a node error or an unreachable node into ERR_BACKEND_UNAVAILABLE', async () => {
    lotus.failing.add('Filecoin.GasEstimateGasPremium')
    const err = await rejection(chainStatus(new LotusClient({ url: lotus.url })))
    lotus.failing.clear()
    expect(err.code).toBe('ERR_BACKEND_UNAVAILABLE')
    expect(err.message).toMatch(/syncing/)
    expect((await rejection(new LotusClient({ url: 'http://127.0.0.1:1/rpc/v1' }).chainHead())).code).toBe('ERR_BACKEND_UNAVAILABLE')
  })

  it('counts set bits of a run-length bitfield', () => {
    expect(countSet([])).toBe(0)
    expect(countSet([0, 4])).toBe(4)
    expect(countSet([1, 2, 3, 4])).toBe(6)
  })
})
