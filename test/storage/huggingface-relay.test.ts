import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CarBlockIterator } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyBlock } from '../../core/blocks/index.ts'
import { loadConfig } from '../../node-relay/config/load.ts'
import { startRelay } from '../../node-relay/relay.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { addBytes } from '../relay/support.ts'
import { startFakeHub } from './support/hf-hub-server.ts'
import { startStorachaGateway } from './support/storacha-gateway.ts'
import { startStorachaService } from './support/storacha-service.ts'
import { createSpace } from './support/storacha-space.ts'
import type { BackendReport, PlacementReport, StorageReference } from '../../core/storage/index.ts'
import type { Relay } from '../../node-relay/relay.ts'
import type { FakeHub } from './support/hf-hub-server.ts'
import type { StorachaGateway } from './support/storacha-gateway.ts'
import type { StorachaService } from './support/storacha-service.ts'

const HF_TOKEN_ENV = 'IPFS_KIT_TEST_HF_TOKEN'
const STORACHA_KEY_ENV = 'IPFS_KIT_TEST_STORACHA_KEY'
const STORACHA_PROOF_ENV = 'IPFS_KIT_TEST_STORACHA_PROOF'

async function json<T> (res: Response): Promise<T> {
  return await res.json() as T
}

async function blocksOfCar (res: Response): Promise<number> {
  const reader = await CarBlockIterator.fromBytes(new Uint8Array(await res.arrayBuffer()))
  let blocks = 0
  for await (const block of reader) {
    await verifyBlock(block.cid, block.bytes)
    blocks++
  }
  return blocks
}

describe('a relay configured with Hugging Face and Storacha backends (fake Hub, Storacha upload-api in process)', () => {
  let hub: FakeHub
  let service: StorachaService
  let gateway: StorachaGateway
  let relay: Relay
  let dir: string

  beforeAll(async () => {
    hub = await startFakeHub({ tokens: { hf_relay: 'write' } })
    hub.createRepo('dataset', 'kit/relay')
    service = await startStorachaService()
    gateway = await startStorachaGateway(service)
    const secrets = await createSpace(service)
    process.env[HF_TOKEN_ENV] = 'hf_relay'
    process.env[STORACHA_KEY_ENV] = secrets.agentKey
    process.env[STORACHA_PROOF_ENV] = secrets.proof
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-hf-storacha-relay-'))
    const config = await loadConfig({
      flags: {
        dataDir: dir,
        'http.port': 0,
        'libp2p.listen': ['/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/tcp/0'],
        logLevel: 'silent',
        'network.offline': true,
        'storage.backends': [
          { kind: 'local', name: 'local' },
          { kind: 'huggingface', name: 'hf', repo: 'kit/relay', repoType: 'dataset', hubUrl: hub.url, tokenEnv: HF_TOKEN_ENV },
          { kind: 'storacha', name: 'storacha', serviceUrl: service.url, serviceDid: service.did, gateways: [gateway.url], agentKeyEnv: STORACHA_KEY_ENV, proofEnv: STORACHA_PROOF_ENV, retries: 0 }
        ]
      }
    })
    relay = await startRelay(config)
  })

  afterAll(async () => {
    await relay.stop()
    await gateway.stop()
    await service.stop()
    await hub.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  it('lists both backends, healthy, with their capabilities', async () => {
    const { backends } = await json<{ backends: BackendReport[] }>(await fetch(`${relay.url}/api/v1/backends`))
    expect(backends.map(b => [b.name, b.kind, b.status.healthy])).toEqual([['local', 'local', true], ['hf', 'huggingface', true], ['storacha', 'storacha', true]])
    expect(backends.every(b => b.capabilities.write)).toBe(true)
  })

  it('places copies on both, reads each back as a verified CAR, and never serves a copy corrupted in the Hub', async () => {
    const { cid } = await addBytes(relay.url, pseudoRandomBytes(300_000, 7))
    const put = await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['hf', 'storacha'] }) })
    expect(put.status).toBe(200)
    const report = await json<PlacementReport>(put)
    expect(report.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['hf', true], ['storacha', true]])
    expect(await blocksOfCar(await fetch(`${relay.url}/api/v1/storage/${cid}?from=hf`))).toBeGreaterThan(0)
    expect(await blocksOfCar(await fetch(`${relay.url}/api/v1/storage/${cid}?from=storacha`))).toBeGreaterThan(0)

    hub.corrupt('dataset', 'kit/relay', `ipfs/${CID.parse(cid).toString()}.car`)
    const bad = await fetch(`${relay.url}/api/v1/storage/${cid}?from=hf`)
    expect(bad.status).toBe(502)
    expect((await json<{ code: string }>(bad)).code).toBe('ERR_BLOCK_CORRUPT')
    const refs = await json<{ references: StorageReference[] }>(await fetch(`${relay.url}/api/v1/storage/${cid}/references`))
    expect(Object.fromEntries(refs.references.map(r => [r.backend, r.state]))).toEqual({ local: 'ok', hf: 'corrupt', storacha: 'ok' })
    // the same, listed with everything else the index knows (what the Files view shows per item)
    const listed = await json<{ items: Array<{ cid: string, copies: Array<{ backend: string, state: string }> }> }>(await fetch(`${relay.url}/api/v1/storage?backend=hf`))
    const item = listed.items.find(i => i.cid === CID.parse(cid).toV1().toString())
    expect(item?.copies.map(c => `${c.backend}:${c.state}`)).toEqual(['hf:corrupt', 'local:ok', 'storacha:ok'])
    expect((await json<{ items: unknown[] }>(await fetch(`${relay.url}/api/v1/storage?backend=nowhere`))).items).toEqual([])
    expect((await fetch(`${relay.url}/api/v1/storage/${cid}`)).status).toBe(200)
  })

  it('with the Hub down: the backend is unhealthy and put reports the failed placement', async () => {
    await hub.stop()
    const { backends } = await json<{ backends: BackendReport[] }>(await fetch(`${relay.url}/api/v1/backends`))
    const hf = backends.find(b => b.name === 'hf')
    expect(hf?.status.healthy).toBe(false)
    expect(hf?.status.error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
    const { cid } = await addBytes(relay.url, pseudoRandomBytes(20_000, 8))
    const report = await json<PlacementReport>(await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['hf', 'storacha'] }) }))
    expect(report.placements.find(p => p.backend === 'hf')?.ok).toBe(false)
    expect(report.placements.find(p => p.backend === 'storacha')?.ok).toBe(true)
  })
})
