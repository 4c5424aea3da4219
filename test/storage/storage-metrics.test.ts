import { MemoryDatastore } from 'datastore-core'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { ReferenceIndex, StorageManager, createLocalBackend } from '../../core/storage/index.ts'
import { createS3Backend } from '../../node-relay/storage/s3/index.ts'
import { storageMetrics } from '../../node-relay/storage/metrics.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { S3RVER_CREDENTIALS, startS3Server } from './s3-support.ts'
import type { S3Server } from './s3-support.ts'

async function values (registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)?.get()
  return Object.fromEntries((metric?.values ?? []).map(v => [Object.values(v.labels).join(' '), v.value]))
}

describe('storage backend metrics (a real S3 stand-in)', () => {
  let server: S3Server
  let manager: StorageManager
  let probes = 0
  let stopped = false
  beforeAll(async () => {
    server = await startS3Server()
    const blockstore = new MemoryBlockstore()
    const s3 = createS3Backend({ name: 's3-eu', bucket: server.bucket, prefix: 'metrics', endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    // the real backend, counting its health probes
    const probed = new Proxy(s3, {
      get (target, key) {
        if (key === 'status') return async (options?: { signal?: AbortSignal }) => { probes++; return target.status(options) }
        const value: unknown = Reflect.get(target, key)
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      }
    })
    manager = new StorageManager({
      local: createLocalBackend({ name: 'local', blockstore }),
      localBlocks: blockstore,
      backends: [probed],
      index: new ReferenceIndex({ datastore: new MemoryDatastore() }),
      statusTimeoutMs: 2_000
    })
    const { cid } = await createContentStore({ blockstore }).add(pseudoRandomBytes(300_000, 1))
    await manager.put(cid, { to: ['s3-eu'] })
  })
  afterAll(async () => { if (!stopped) await server?.stop() })

  it('exports health, probe latency, bytes and copies per backend, probing at most once per interval', async () => {
    const registry = new Registry()
    storageMetrics(registry, manager, { minIntervalMs: 60_000 })
    probes = 0
    expect(await values(registry, 'ipfs_kit_storage_backend_up')).toEqual({ 'local local': 1, 's3-eu s3': 1 })
    const latency = await values(registry, 'ipfs_kit_storage_backend_probe_duration_seconds')
    expect(latency['s3-eu s3']).toBeGreaterThan(0)
    const stored = await values(registry, 'ipfs_kit_storage_stored_bytes')
    expect(stored['s3-eu']).toBeGreaterThan(300_000)
    expect((await values(registry, 'ipfs_kit_storage_copies'))['s3-eu ok']).toBe(1)
    await registry.metrics()
    expect(probes).toBe(1)
  })

  it('reports a backend that stops answering as down', async () => {
    const registry = new Registry()
    storageMetrics(registry, manager, { minIntervalMs: 0 })
    await server.stop()
    stopped = true
    expect((await values(registry, 'ipfs_kit_storage_backend_up'))['s3-eu s3']).toBe(0)
    expect((await values(registry, 'ipfs_kit_storage_backend_up'))['local local']).toBe(1)
  })
})
