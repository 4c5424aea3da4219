import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { createGatewayBackend, dagToCar, readVerifiedDag } from '../../core/storage/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { startTestRelay } from '../relay/support.ts'
import { startProxyGateway } from './gateway-support.ts'
import type { GatewayFailure, VerifiedBlock } from '../../core/storage/index.ts'
import type { TestRelay } from '../relay/support.ts'
import type { ProxyGateway } from './gateway-support.ts'
import type { CID } from 'multiformats/cid'

/** A URL nothing listens on. */
async function deadUrl (): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  return `http://127.0.0.1:${port}`
}

async function collect (blocks: AsyncIterable<VerifiedBlock>): Promise<VerifiedBlock[]> {
  const out: VerifiedBlock[] = []
  for await (const block of blocks) out.push(block)
  return out
}

describe('trustless gateway retrieval: racing, fallback, corrupt gateways', () => {
  let relay: TestRelay
  let good: ProxyGateway
  let hostile: ProxyGateway
  let slow: ProxyGateway
  let dead: string
  let root: CID
  let blockCount: number

  beforeAll(async () => {
    relay = await startTestRelay()
    good = await startProxyGateway(relay.url, 'pass')
    hostile = await startProxyGateway(relay.url, 'corrupt')
    slow = await startProxyGateway(relay.url, 'delay')
    dead = await deadUrl()
    const source = new MemoryBlockstore()
    root = (await createContentStore({ blockstore: source }).add(pseudoRandomBytes(600_000, 7), { chunker: { type: 'fixed', size: 64 * 1024 } })).cid
    blockCount = (await collect(readVerifiedDag(source, root))).length
    await relay.service.content.importCar(dagToCar(source, root))
  })

  afterAll(async () => {
    await Promise.all([good.stop(), hostile.stop(), slow.stop()])
    await relay.destroy()
  })

  it('skips a gateway that serves corrupt bytes, reports and marks it, and reads from the good one', async () => {
    const failures: GatewayFailure[] = []
    const backend = createGatewayBackend({ name: 'gw', gateways: [hostile.url, good.url], raceCount: 1, onGatewayFailure: f => failures.push(f) })
    const blocks = await collect(backend.get(root))
    expect(blocks).toHaveLength(blockCount)
    expect(new Set(blocks.map(b => b.cid.toString())).size).toBe(blockCount)
    expect(failures.map(f => [f.gateway, f.code])).toEqual([[hostile.url, 'ERR_BLOCK_CORRUPT']])

    const status = await backend.status()
    const marked = status.endpoints?.find(e => e.url === hostile.url)
    expect(marked?.markedUntil).toBeDefined()
    expect(marked?.error?.code).toBe('ERR_BLOCK_CORRUPT')
    expect(status.healthy).toBe(true)

    // the marked gateway is now tried last: the next read goes straight to the good one
    const before = hostile.requests.length
    await collect(backend.get(root))
    expect(hostile.requests.length).toBe(before)
    expect(failures).toHaveLength(1)
  })

  it('races gateways: the first to answer wins and the slow one is cancelled', async () => {
    slow.delayMs = 3_000
    const backend = createGatewayBackend({ name: 'gw', gateways: [slow.url, good.url], raceCount: 2 })
    const stat = await backend.stat(root)
    expect(stat.locator).toBe(`${good.url}/ipfs/${root.toString()}`)
    await expect.poll(() => slow.cancelled, { timeout: 5_000 }).toBeGreaterThan(0)
  })

  it('falls back past a gateway that is down', async () => {
    const failures: GatewayFailure[] = []
    const backend = createGatewayBackend({ name: 'gw', gateways: [dead, good.url], raceCount: 1, onGatewayFailure: f => failures.push(f) })
    expect(await collect(backend.get(root))).toHaveLength(blockCount)
    expect(failures.map(f => [f.gateway, f.code])).toEqual([[dead, 'ERR_BACKEND_UNAVAILABLE']])
    const status = await backend.status()
    expect(status.healthy).toBe(true)
    expect(status.endpoints?.find(e => e.url === dead)?.healthy).toBe(false)
  })

  it('reports ERR_BLOCK_CORRUPT when the only gateway lies, and ERR_BACKEND_UNAVAILABLE when all are down', async () => {
    await expect(collect(createGatewayBackend({ name: 'gw', gateways: [hostile.url] }).get(root))).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
    const down = createGatewayBackend({ name: 'gw', gateways: [dead] })
    await expect(collect(down.get(root))).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    const status = await down.status()
    expect(status.healthy).toBe(false)
    expect(status.error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
  })

  it('says ERR_NOT_FOUND only when every gateway says so', async () => {
    const missing = (await createContentStore({ blockstore: new MemoryBlockstore() }).add(pseudoRandomBytes(100, 99))).cid
    await expect(collect(createGatewayBackend({ name: 'gw', gateways: [good.url, relay.url] }).get(missing))).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    await expect(collect(createGatewayBackend({ name: 'gw', gateways: [good.url, dead] }).get(missing))).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
  })
})
