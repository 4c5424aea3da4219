import * as Mocks from '@filoz/synapse-core/mocks'
import { describe, expect, it } from 'vitest'
import { storageSchema } from '../../../node-relay/storage/config.ts'
import { createFilecoinBackend, filecoinInitFromConfig } from '../../../node-relay/storage/filecoin/index.ts'
import { rejection } from '../../support/fixtures.ts'
import type { FilecoinBackendConfig } from '../../../node-relay/storage/filecoin/index.ts'

function entry (extra: Record<string, unknown> = {}): FilecoinBackendConfig {
  const parsed = storageSchema.parse({ backends: [{ kind: 'filecoin', ...extra }] }).backends[0]
  if (parsed?.kind !== 'filecoin') throw new Error('not a filecoin entry')
  return parsed
}

describe('filecoin backend config', () => {
  it('defaults to calibration, two copies, records under the data dir', async () => {
    const config = entry()
    expect(config).toMatchObject({ network: 'calibration', copies: 2, privateKeyEnv: 'FILECOIN_PRIVATE_KEY' })
    const init = await filecoinInitFromConfig(config, { FILECOIN_PRIVATE_KEY: Mocks.PRIVATE_KEYS.key1 }, '/data')
    expect(init.recordsPath).toBe('/data/filecoin/filecoin.json')
    expect(init.synapse.chain.id).toBe(314159)
    const backend = createFilecoinBackend(init)
    expect(backend.kind).toBe('filecoin')
  })

  it('refuses a missing or malformed private key with ERR_INVALID_INPUT and never echoes it', async () => {
    expect((await rejection(filecoinInitFromConfig(entry(), {}, '/data'))).code).toBe('ERR_INVALID_INPUT')
    const err = await rejection(filecoinInitFromConfig(entry(), { FILECOIN_PRIVATE_KEY: 'not-a-key-secret' }, '/data'))
    expect(err.code).toBe('ERR_INVALID_INPUT')
    expect(err.message).not.toContain('not-a-key-secret')
  })

  it('takes the operator\'s provider filters, miner ids and copy-check settings into the backend', async () => {
    const config = entry({ allow: ['1', '2'], deny: ['2'], regions: ['EU'], minerIds: { 1: 'f01234' }, checkIntervalMs: 0, autoRepair: true })
    const backend = createFilecoinBackend(await filecoinInitFromConfig(config, { FILECOIN_PRIVATE_KEY: Mocks.PRIVATE_KEYS.key1 }, '/data'))
    expect(backend.policy).toEqual({ allow: ['1', '2'], deny: ['2'], regions: ['EU'] })
    expect(backend.minerIds).toEqual({ 1: 'f01234' })
    expect(backend.watch).toEqual({ intervalMs: 0, autoRepair: true })
    expect(entry().checkIntervalMs).toBe(600_000)
    expect(() => entry({ minerIds: { 1: 'not-a-miner' } })).toThrow()
  })

  it('takes renewal and the budget cap into the backend; the defaults spend nothing by themselves', async () => {
    const key = { FILECOIN_PRIVATE_KEY: Mocks.PRIVATE_KEYS.key1 }
    const plain = createFilecoinBackend(await filecoinInitFromConfig(entry(), key, '/data'))
    expect(plain.renewal).toEqual({ withinDays: 7, auto: false, months: 1 })
    expect(plain.spending.cap).toEqual({})
    const config = entry({ renewWithinDays: 14, autoRenew: true, renewMonths: 3, budget: { maxRepairsPerDay: 4, maxUsdfcPerMonth: 50 } })
    const backend = createFilecoinBackend(await filecoinInitFromConfig(config, key, '/data'))
    expect(backend.renewal).toEqual({ withinDays: 14, auto: true, months: 3 })
    expect(backend.spending.cap).toEqual({ maxRepairsPerDay: 4, maxUsdfcPerMonth: 50 })
    expect(() => entry({ budget: { maxUsdfcPerMonth: -1 } })).toThrow()
    expect(() => entry({ budget: { perYear: 1 } })).toThrow()
  })

  it('rejects unknown keys and out-of-range copies', () => {
    expect(() => entry({ copies: 0 })).toThrow()
    expect(() => entry({ apiKey: 'x' })).toThrow()
  })
})
