import { expect } from 'vitest'
import { startTestRelay } from '../../relay/support.ts'
import { runCli } from '../../support/surfaces.ts'
import { startLotusFake } from '../../support/lotus-fake.ts'
import type { TestRelay } from '../../relay/support.ts'
import type { LotusFake } from '../../support/lotus-fake.ts'


let lotus: LotusFake
let relay: TestRelay

beforeAll(async () => {
  lotus = await startLotusFake()
  lotus.state.miners.f01234 = { raw: (2n ** 50n).toString(), qa: (2n ** 54n).toString(), faults: [10, 3, 5, 2], peerId: '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', sectorSize: 34359738368 }
  lotus.state.balances.f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za = '5000000000000000000'
  relay = await startTestRelay({ 'filecoin.rpcUrl': lotus.url, 'filecoin.providers': ['f01234', 'f09999'], 'filecoin.wallet': 'f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za' })
}, 60_000)

afterAll(async () => {
  await relay?.destroy()
  await lotus?.stop()
})

describe('Filecoin chain analytics on the relay (against the Lotus JSON-RPC fake)', () => {
  it('answers filecoin_status over REST with the head, finality, fees, the wallet and each watched provider', async () => {
    const res = await fetch(`${relay.url}/api/v1/filecoin/status`)
    expect(res.status).toBe(200)
    const body = await res.json() as { chain: Record<string, unknown>, providers: Array<Record<string, unknown>> }
    expect(body.chain).toMatchObject({ height: 3_141_592, finalizedHeight: 3_141_592 - 900, baseFeeAttoFil: '100', gasPremiumAttoFil: '99558', walletAttoFil: '5000000000000000000' })
    expect(body.providers[0]).toMatchObject({ miner: 'f01234', faultySectors: 5, powerShare: 0.000488, hasMinPower: true })
    expect(body.providers[1]).toMatchObject({ miner: 'f09999' })
    expect(String(body.providers[1]?.error)).toContain('actor not found') // one unknown provider does not hide the rest
  })

  it('prints the status on the CLI, and the metrics appear on /metrics', async () => {
    const out = await runCli(relay.url, ['filecoin', 'status'])
    expect(out.exit).toBe(0)
    expect(out.stdout).toContain('height 3141592 (final 3140692)')
    expect(out.stdout).toContain('f01234  power 0.0488%  faulty sectors 5')
    const metrics = await (await fetch(`${relay.url}/metrics`)).text()
    expect(metrics).toMatch(/^ipfs_kit_filecoin_chain_height 3141592$/m)
    expect(metrics).toMatch(/^ipfs_kit_filecoin_provider_faulty_sectors\{provider="f01234"\} 5$/m)
  })

  it('caches answers per method, and a node that fails is a 503 with a code, not a 500', async () => {
    const before = lotus.calls.get('Filecoin.ChainHead') ?? 0
    await fetch(`${relay.url}/api/v1/filecoin/status`)
    await fetch(`${relay.url}/api/v1/filecoin/status`)
    expect(lotus.calls.get('Filecoin.ChainHead') ?? 0).toBe(before) // the head is cached for 15 s
    // failing before the relay starts: its stats sampler reads the Filecoin gauges at once, which would cache a good head
    lotus.failing.add('Filecoin.ChainHead')
    const fresh = await startTestRelay({ 'filecoin.rpcUrl': lotus.url })
    try {
      const res = await fetch(`${fresh.url}/api/v1/filecoin/status`)
      expect(res.status).toBe(503)
      expect((await res.json() as { code: string }).code).toBe('ERR_BACKEND_UNAVAILABLE')
      expect((await fetch(`${fresh.url}/metrics`)).status).toBe(200) // the scrape survives the node's failure
    } finally {
      lotus.failing.delete('Filecoin.ChainHead')
      await fresh.destroy()
    }
  })

  it('says how to turn it on when no endpoint is configured', async () => {
    const bare = await startTestRelay()
    try {
      const res = await fetch(`${bare.url}/api/v1/filecoin/status`)
      expect(res.status).toBe(501)
      expect((await res.json() as { message: string }).message).toContain('filecoin.rpcUrl')
    } finally {
      await bare.destroy()
    }
  })
})
