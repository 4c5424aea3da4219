/**
 * A browser node's second source: blocks no peer sends come from the relay's trustless gateway, verified. The
 * gateway here is a real relay (and a plain HTTP server that lies, for the corrupt case).
 */
import { createServer } from 'node:http'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { GatewayBlocks } from '../../core/blocks/gateway-blocks.ts'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import { rawBlock } from '../support/fixtures.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Peers that never answer: a want waits until it is cancelled. */
class SilentPeers extends MemoryBlockstore {
  asked = 0
  override async * get (_cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    this.asked++
    await new Promise((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(new Error('cancelled')) }, { once: true }) })
    yield new Uint8Array()
  }
}

describe('the gateway fallback of a browser node', () => {
  let relay: TestRelay
  let liar: Server
  let liarUrl: string
  let cid: CID
  const bytes = new TextEncoder().encode(`only the relay has this ${Math.random()}`)

  beforeAll(async () => {
    relay = await startTestRelay()
    cid = CID.parse((await addBytes(relay.url, bytes, '?raw-leaves=true')).cid)
    liar = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' }).end('not the block you asked for') })
    await new Promise<void>(resolve => liar.listen(0, '127.0.0.1', resolve))
    liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await relay?.destroy()
    await new Promise(resolve => liar?.close(resolve))
  })

  it('reads a verified block from a relay gateway, and names what is missing', async () => {
    const gateway = new GatewayBlocks({ url: relay.url })
    expect(new TextDecoder().decode(await gateway.get(cid))).toBe(new TextDecoder().decode(bytes))
    const { cid: absent } = await rawBlock(new TextEncoder().encode(`nobody has this ${Math.random()}`))
    await expect(new GatewayBlocks({ url: relay.url, timeoutMs: 20_000 }).get(absent)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(NOT_FOUND|TIMEOUT)$/) })
  })

  it('refuses bytes that do not hash to the CID', async () => {
    await expect(new GatewayBlocks({ url: liarUrl }).get(cid)).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
  })

  it('asks the gateway when peers are silent, keeps the block, and asks it first for the next miss', async () => {
    const local = new MemoryBlockstore()
    const peers = new SilentPeers()
    let gatewayCalls = 0
    const gateway = new GatewayBlocks({ url: relay.url })
    const store = new NetworkBlockstore({
      local,
      network: peers,
      peerCount: () => 1,
      fetchTimeoutMs: 10_000,
      fallback: { get: async (c, options) => { gatewayCalls++; return gateway.get(c, options) }, afterMs: 200 }
    })
    const started = Date.now()
    expect(new TextDecoder().decode(await collectBlock(store.get(cid)))).toBe(new TextDecoder().decode(bytes))
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(gatewayCalls).toBe(1)
    expect(peers.asked).toBe(1)
    // stored through the network store (so peers that want it hear of it)
    expect(await peers.has(cid)).toBe(true)

    const second = (await addBytes(relay.url, new TextEncoder().encode(`second ${Math.random()}`), '?raw-leaves=true')).cid
    const again = Date.now()
    await collectBlock(store.get(CID.parse(second)))
    expect(Date.now() - again).toBeLessThan(190)
    expect(gatewayCalls).toBe(2)
  })

  it('does not ask the gateway when a peer answers first', async () => {
    const { cid: held, bytes: heldBytes } = await rawBlock(new TextEncoder().encode('a peer has it'))
    const peers = new MemoryBlockstore()
    await peers.put(held, heldBytes)
    let gatewayCalls = 0
    const store = new NetworkBlockstore({
      local: new MemoryBlockstore(),
      network: peers,
      peerCount: () => 1,
      fetchTimeoutMs: 10_000,
      fallback: { get: async () => { gatewayCalls++; return new Uint8Array() }, afterMs: 500 }
    })
    expect(new TextDecoder().decode(await collectBlock(store.get(held)))).toBe('a peer has it')
    await new Promise(resolve => setTimeout(resolve, 600))
    expect(gatewayCalls).toBe(0)
  })

  it('fails with the gateway\'s typed error when neither source has a corrupt-free block', async () => {
    const store = new NetworkBlockstore({
      local: new MemoryBlockstore(),
      network: new SilentPeers(),
      peerCount: () => 0,
      fetchTimeoutMs: 5_000,
      fallback: { get: async (c, options) => new GatewayBlocks({ url: liarUrl }).get(c, options) }
    })
    await expect(collectBlock(store.get(cid))).rejects.toMatchObject({ code: 'ERR_BLOCK_CORRUPT' })
  })
})
