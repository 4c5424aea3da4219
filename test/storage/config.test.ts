import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../node-relay/config/load.ts'

describe('the storage config section', () => {
  it('defaults to the local backend only, with no placements (npm start needs no external service)', async () => {
    const config = await loadConfig({})
    expect(config.storage.backends).toEqual([{ kind: 'local', name: 'local' }])
    expect(config.storage.placement).toEqual({ default: [], bySize: [] })
  })

  it('accepts each kind, with defaults filled in', async () => {
    const config = await loadConfig({
      flags: {
        'storage.backends': [
          { kind: 'ipfs' },
          { kind: 's3', bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
          { kind: 'gateway', gateways: ['https://trustless-gateway.link'] }
        ],
        'storage.placement.default': ['s3']
      }
    })
    const [ipfs, s3, gateway] = config.storage.backends
    expect(ipfs).toMatchObject({ kind: 'ipfs', name: 'ipfs' })
    expect(s3).toMatchObject({ kind: 's3', name: 's3', prefix: 'ipfs', region: 'us-east-1', accessKeyIdEnv: 'AWS_ACCESS_KEY_ID', partSizeBytes: 8 * 1024 * 1024 })
    expect(gateway).toMatchObject({ kind: 'gateway', name: 'gateways', raceCount: 2 })
  })

  it('refuses unknown kinds, duplicate names, placements naming unknown backends, and inline secrets', async () => {
    const bad = async (flags: Record<string, unknown>): Promise<void> => {
      await expect(loadConfig({ flags: flags as Record<string, never> })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    }
    await bad({ 'storage.backends': [{ kind: 'ftp', name: 'x' }] })
    await bad({ 'storage.backends': [{ kind: 's3', name: 'a', bucket: 'one' }, { kind: 's3', name: 'a', bucket: 'two' }] })
    await bad({ 'storage.placement.default': ['s3'] })
    await bad({ 'storage.backends': [{ kind: 's3', bucket: 'b', secretAccessKey: 'inline-secret' }] })
    await bad({ 'storage.backends': [{ kind: 's3', bucket: 'b', partSizeBytes: 1024 }] })
    await bad({ 'storage.maxBytes': { s3: 1024 } }) // a size limit for a backend that is not configured
    await bad({ 'storage.backends': [{ kind: 's3', name: 's3', bucket: 'b' }], 'storage.maxBytes': { s3: 0 } })
  })

  it('takes the same cost override on every kind (one schema), request prices included, and refuses unknown fields', async () => {
    const cost = { storageUsdPerGbMonth: 0.004, egressUsdPerGb: 0.09, latencyMs: 120, requestUsdPer1000: 0.005 }
    const config = await loadConfig({
      flags: {
        'storage.backends': [
          { kind: 's3', bucket: 'bucket', cost },
          { kind: 'huggingface', repo: 'me/cars', cost },
          { kind: 'storacha', cost },
          { kind: 'filecoin', cost }
        ]
      }
    })
    for (const entry of config.storage.backends.filter(b => b.kind !== 'local')) expect(entry).toMatchObject({ cost })
    for (const kind of ['storacha', 'filecoin']) {
      await expect(loadConfig({ flags: { 'storage.backends': [{ kind, cost: { usdPerByte: 1 } }] } })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    }
  })
})
