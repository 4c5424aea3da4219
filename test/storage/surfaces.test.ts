import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CarBlockIterator } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyBlock } from '../../core/blocks/index.ts'
import { loadConfig } from '../../node-relay/config/load.ts'
import { startRelay } from '../../node-relay/relay.ts'
import { objectKey } from '../../node-relay/storage/s3/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { addBytes } from '../relay/support.ts'
import { call, callOk, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { corruptObject, startS3Server } from './s3-support.ts'
import type { NodeEvent } from '../../core/events/bus.ts'
import type { BackendReport, PlacementReport, StorageReference } from '../../core/storage/index.ts'
import type { Relay } from '../../node-relay/relay.ts'
import type { S3Server } from './s3-support.ts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

const KEY_ENV = 'IPFS_KIT_TEST_S3_KEY'
const SECRET_ENV = 'IPFS_KIT_TEST_S3_SECRET'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

/** Run the `ipfs-kit` CLI as a child process against the relay. */
async function cli (api: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [MAIN, '--api', api, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

async function json<T> (res: Response): Promise<T> {
  return await res.json() as T
}

describe('storage surfaces on a real relay with an S3 backend (s3rver): REST and MCP', () => {
  let s3: S3Server
  let relay: Relay
  let dir: string
  let mcp: Client
  const events: NodeEvent[] = []

  beforeAll(async () => {
    s3 = await startS3Server('relay-bucket')
    process.env[KEY_ENV] = 'S3RVER'
    process.env[SECRET_ENV] = 'S3RVER'
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-storage-relay-'))
    const config = await loadConfig({
      flags: {
        dataDir: dir,
        'http.port': 0,
        'libp2p.listen': ['/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/tcp/0'],
        logLevel: 'silent',
        'network.offline': true,
        'storage.backends': [
          { kind: 'local', name: 'local' },
          { kind: 's3', name: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, prefix: 'relay', accessKeyIdEnv: KEY_ENV, secretAccessKeyEnv: SECRET_ENV }
        ]
      }
    })
    relay = await startRelay(config)
    relay.events.subscribe(e => events.push(e))
    mcp = await connectHttp(relay.url)
  })

  afterAll(async () => {
    await mcp.close()
    await relay.stop()
    await s3.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  it('lists the backends with their health and documents the routes in OpenAPI', async () => {
    const { backends } = await json<{ backends: BackendReport[] }>(await fetch(`${relay.url}/api/v1/backends`))
    expect(backends.map(b => [b.name, b.kind, b.status.healthy])).toEqual([['local', 'local', true], ['s3', 's3', true]])
    expect(backends[1]?.capabilities.write).toBe(true)
    const one = await fetch(`${relay.url}/api/v1/backends/nope`)
    expect(one.status).toBe(404)
    expect((await json<{ code: string }>(one)).code).toBe('ERR_NOT_FOUND')
    const spec = await json<{ paths: Record<string, unknown> }>(await fetch(`${relay.url}/docs/json`))
    for (const path of ['/api/v1/backends', '/api/v1/backends/{name}', '/api/v1/storage/{cid}', '/api/v1/storage/{cid}/references']) expect(spec.paths[path]).toBeDefined()
  })

  it('REST: places a copy on S3, reads it back as a verified CAR, and refuses a corrupted copy', async () => {
    const { cid } = await addBytes(relay.url, pseudoRandomBytes(400_000, 11))
    const put = await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['s3'] }) })
    expect(put.status).toBe(200)
    const report = await json<PlacementReport>(put)
    expect(report.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3', true]])
    expect(events.some(e => e.type === 'storage:placed' && e.backend === 's3' && e.cid === cid)).toBe(true)

    const car = await fetch(`${relay.url}/api/v1/storage/${cid}?from=s3`)
    expect(car.status).toBe(200)
    const reader = await CarBlockIterator.fromBytes(new Uint8Array(await car.arrayBuffer()))
    expect((await reader.getRoots()).map(String)).toEqual([cid])
    let blocks = 0
    for await (const block of reader) {
      await verifyBlock(block.cid, block.bytes)
      blocks++
    }
    expect(blocks).toBeGreaterThan(0)

    const refs = await json<{ references: StorageReference[] }>(await fetch(`${relay.url}/api/v1/storage/${cid}/references`))
    expect(refs.references.map(r => [r.backend, r.state])).toEqual([['local', 'ok'], ['s3', 'ok']])

    await corruptObject(s3, objectKey('relay', CID.parse(cid)))
    const bad = await fetch(`${relay.url}/api/v1/storage/${cid}?from=s3`)
    expect(bad.status).toBe(502)
    expect((await json<{ code: string }>(bad)).code).toBe('ERR_BLOCK_CORRUPT')
    expect(events.some(e => e.type === 'storage:corrupt' && e.backend === 's3' && e.cid === cid)).toBe(true)
    const after = await json<{ references: StorageReference[] }>(await fetch(`${relay.url}/api/v1/storage/${cid}/references`))
    expect(after.references.find(r => r.backend === 's3')?.state).toBe('corrupt')
    // the best source (local) still serves it
    expect((await fetch(`${relay.url}/api/v1/storage/${cid}`)).status).toBe(200)
  })

  it('MCP: backend_list, backend_status, storage_put, storage_fetch and storage_refs through the SDK client', async () => {
    const tools = (await mcp.listTools()).tools.map(t => t.name)
    for (const name of ['backend_list', 'backend_status', 'storage_put', 'storage_fetch', 'storage_refs']) expect(tools).toContain(name)

    const list = await callOk<{ backends: Array<{ name: string }> }>(mcp, 'backend_list')
    expect(list.backends.map(b => b.name)).toEqual(['local', 's3'])
    const status = await callOk<{ name: string, status: { healthy: boolean } }>(mcp, 'backend_status', { name: 's3' })
    expect(status.status.healthy).toBe(true)
    expect(errorCodeOf(await call(mcp, 'backend_status', { name: 'nope' }))).toBe('ERR_NOT_FOUND')

    const { cid } = await addBytes(relay.url, pseudoRandomBytes(50_000, 12))
    const placed = await callOk<{ placements: Array<{ backend: string, ok: boolean }> }>(mcp, 'storage_put', { cid, to: ['s3'] })
    expect(placed.placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3', true]])
    const got = await callOk<{ servedBy: string, blocks: number }>(mcp, 'storage_fetch', { cid, from: 's3' })
    expect(got.servedBy).toBe('s3')
    expect(got.blocks).toBe(1)
    const refs = await callOk<{ references: Array<{ backend: string, state: string }> }>(mcp, 'storage_refs', { cid })
    expect(refs.references.map(r => [r.backend, r.state])).toContainEqual(['s3', 'ok'])
    expect(errorCodeOf(await call(mcp, 'storage_put', { cid, to: ['nowhere'] }))).toBe('ERR_INVALID_INPUT')
    expect(errorCodeOf(await call(mcp, 'storage_fetch', { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', from: 's3' }))).toBe('ERR_NOT_FOUND')
  })

  it('CLI: ipfs-kit backends, storage put --to, storage get --from, storage refs', async () => {
    const backends = await cli(relay.url, ['backends'])
    expect(backends.code).toBe(0)
    expect(backends.stdout).toMatch(/^s3 .* healthy/m)
    const { cid } = await addBytes(relay.url, pseudoRandomBytes(30_000, 14))
    const put = await cli(relay.url, ['--json', 'storage', 'put', cid, '--to', 's3'])
    expect(put.code).toBe(0)
    expect((JSON.parse(put.stdout) as PlacementReport).placements.map(p => [p.backend, p.ok])).toEqual([['local', true], ['s3', true]])
    const file = join(dir, 'out.car')
    const get = await cli(relay.url, ['storage', 'get', cid, '--from', 's3', '-o', file])
    expect(get.code).toBe(0)
    const reader = await CarBlockIterator.fromBytes(await readFile(file))
    expect((await reader.getRoots()).map(String)).toEqual([cid])
    const refs = await cli(relay.url, ['--json', 'storage', 'refs', cid])
    expect((JSON.parse(refs.stdout) as { references: StorageReference[] }).references.map(r => r.backend)).toEqual(['local', 's3'])
    const missing = await cli(relay.url, ['storage', 'get', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', '--from', 's3'])
    expect(missing.code).toBe(3)
  })

  it('with S3 down: /api/v1/backends shows it unhealthy and put reports the failed placement', async () => {
    const { cid } = await addBytes(relay.url, pseudoRandomBytes(10_000, 13))
    await s3.stop()
    const { backends } = await json<{ backends: BackendReport[] }>(await fetch(`${relay.url}/api/v1/backends`))
    const down = backends.find(b => b.name === 's3')
    expect(down?.status.healthy).toBe(false)
    expect(down?.status.error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
    const report = await json<PlacementReport>(await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['s3'] }) }))
    const failed = report.placements.find(p => p.backend === 's3')
    expect(failed?.ok).toBe(false)
    expect(failed !== undefined && !failed.ok ? failed.error.code : undefined).toBe('ERR_BACKEND_UNAVAILABLE')
    // the local copy is acknowledged and still served
    expect((await fetch(`${relay.url}/api/v1/storage/${cid}`)).status).toBe(200)
    const cliPut = await cli(relay.url, ['storage', 'put', cid, '--to', 's3'])
    expect(cliPut.code).toBe(1)
    expect(cliPut.stdout).toMatch(/FAILED .* on s3: ERR_BACKEND_UNAVAILABLE/)
    expect((await cli(relay.url, ['backends'])).code).toBe(1)
  })
})
