import * as Mocks from '@filoz/synapse-core/mocks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes, startTestRelay } from '../../relay/support.ts'
import { runCli } from '../../support/surfaces.ts'
import { pseudoRandomBytes } from '../../support/fixtures.ts'
import { START_EPOCH, startSynapseProviders } from '../../support/synapse-providers.ts'
import type { TestRelay } from '../../relay/support.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'

const KEY_ENV = 'IPFS_KIT_TEST_FILECOIN_KEY'

async function json<T> (res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
  return await res.json() as T
}

let providers: SynapseProviders
let relay: TestRelay

beforeAll(async () => {
  providers = startSynapseProviders({ thirdProvider: true })
  process.env[KEY_ENV] = Mocks.PRIVATE_KEYS.key1
  relay = await startTestRelay({
    'storage.backends': [{ kind: 'local', name: 'local' }, { kind: 'filecoin', name: 'fil', privateKeyEnv: KEY_ENV, copies: 2, deny: ['3'], checkIntervalMs: 0 }]
  })
}, 60_000)

afterAll(async () => {
  await relay?.destroy()
  providers?.stop()
  Reflect.deleteProperty(process.env, KEY_ENV)
})

interface Provider { providerId: string, score: number, excluded?: string, terms?: Array<{ name: string, because: string }> }

describe('Filecoin operations on a relay (Synapse SDK on its mocks)', () => {
  it('lists the registry providers scored, with the operator deny list, and explains the scores on request', async () => {
    const plain = await json<{ backend: string, providers: Provider[] }>(await fetch(`${relay.url}/api/v1/filecoin/providers`))
    expect(plain.backend).toBe('fil')
    expect(plain.providers.map((p) => p.providerId)).toEqual(['1', '2', '3'])
    expect(plain.providers[2]).toMatchObject({ providerId: '3', score: 0, excluded: 'on the deny list' })
    expect(plain.providers[0]?.terms).toBeUndefined()
    const explained = await json<{ providers: Provider[] }>(await fetch(`${relay.url}/api/v1/filecoin/providers?explain=true`))
    expect(explained.providers[0]?.terms?.map((t) => t.name)).toEqual(['reliability', 'faults', 'price', 'latency', 'proof'])
    const out = await runCli(relay.url, ['filecoin', 'providers', '--explain'])
    expect(out.exit).toBe(0)
    expect(out.stdout).toMatch(/^ {3}3 {2}0\.000 {2}US .*\(excluded: on the deny list\)$/m)
    expect(out.stdout).toContain('reliability 0.500 × 0.5  no history yet (neutral)')
  })

  it('quotes costs from the SDK for a size, copies and months', async () => {
    const one = await json<{ monthlyUsdfc: string, totalUsdfc: string, copies: number }>(await fetch(`${relay.url}/api/v1/filecoin/costs?size=1099511627776&months=1`))
    const year = await json<{ monthlyUsdfc: string, totalUsdfc: string, copies: number, months: number }>(await fetch(`${relay.url}/api/v1/filecoin/costs?size=1099511627776&copies=3&months=12`))
    expect(one.copies).toBe(2)
    // the mocks' price: 2.5 USDFC per TiB per month per copy
    expect(Number(one.monthlyUsdfc)).toBeCloseTo(5, 6)
    expect(Number(year.totalUsdfc)).toBeCloseTo(2.5 * 3 * 12, 6)
    const out = await runCli(relay.url, ['filecoin', 'costs', '--size', '1099511627776', '--months', '2'])
    expect(out.exit).toBe(0)
    expect(out.stdout).toMatch(/1099511627776 bytes × 2 copies × 2 months: 10(\.0+\d*)? USDFC/)
  })

  it('shows each CID\'s copies and their proof states, and a repair dry run reports the check; /ws and /metrics see the states', async () => {
    providers.chain.epoch = START_EPOCH
    const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/ws?types=filecoin:copy`)
    const events: Array<{ type: string, cid?: string, from?: string, to?: string }> = []
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('message', (msg: MessageEvent<string>) => {
        const event = JSON.parse(msg.data) as { type: string }
        if (event.type === 'hello') resolve()
        else events.push(event)
      })
      ws.addEventListener('error', () => { reject(new Error('websocket failed')) })
    })
    const { cid } = await addBytes(relay.url, pseudoRandomBytes(200_000, 77))
    await json(await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['fil'] }) }))
    const copies = await json<{ roots: Array<{ root: string, healthy: number, copies: Array<{ providerId: string, state: string }> }> }>(await fetch(`${relay.url}/api/v1/filecoin/copies?cid=${cid}&check=true`))
    expect(copies.roots).toHaveLength(1)
    expect(copies.roots[0]).toMatchObject({ root: cid, healthy: 2 })
    expect(copies.roots[0]?.copies.map((c) => c.state)).toEqual(['proving', 'proving'])
    // the check's changes went out on /ws (sent before the check's answer) and the copies are counted on /metrics
    for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    ws.close()
    expect(events).toEqual([
      expect.objectContaining({ type: 'filecoin:copy', backend: 'fil', cid, from: 'added', to: 'proving' }),
      expect.objectContaining({ type: 'filecoin:copy', backend: 'fil', cid, from: 'added', to: 'proving' })
    ])
    const metrics = await (await fetch(`${relay.url}/metrics`)).text()
    expect(metrics).toContain('ipfs_kit_filecoin_copies{backend="fil",state="proving"} 2')
    expect(metrics).toContain('ipfs_kit_filecoin_copy_transitions_total{backend="fil",state="proving"} 2')
    const dry = await json<{ dryRun: boolean, repairs: unknown[] }>(await fetch(`${relay.url}/api/v1/filecoin/repair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dryRun: true }) }))
    expect(dry).toMatchObject({ dryRun: true, repairs: [] })
    const out = await runCli(relay.url, ['filecoin', 'copies', cid])
    expect(out.stdout).toContain(`${cid}  2/2 healthy`)
    expect((await fetch(`${relay.url}/api/v1/filecoin/copies?cid=bafkqaaa`)).status).toBe(404)
  })

  it('answers 501 naming the setting when no filecoin backend is configured', async () => {
    const bare = await startTestRelay()
    try {
      const res = await fetch(`${bare.url}/api/v1/filecoin/providers`)
      expect(res.status).toBe(501)
      expect((await res.json() as { message: string }).message).toContain('storage.backends')
    } finally {
      await bare.destroy()
    }
  })
})
