/**
 * The public IPFS network, without the internet: a local stand-in built from the real parts. Relay A holds content
 * and serves the Routing V1 HTTP API; relay B is configured with A's endpoint as its delegated router and nothing
 * else (no bootstrap, no connection to A), as a relay on the public network is with delegated-ipfs.dev. B finds A
 * through routing and fetches what it was never given; a plain Helia node with Helia's own delegated-routing client
 * finds and fetches content from the relay the same way. With `network.offline` the relay reaches for nothing.
 */
import { createServer } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { delegatedRoutingV1HttpApiClient, delegatedRoutingV1HttpApiClientContentRouting } from '@helia/delegated-routing-v1-http-api-client'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { defaultLogger } from '@libp2p/logger'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { kadDHT, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromCID, peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createHeliaLight } from 'helia'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Server } from 'node:http'
import type { AddressInfo, Server as TcpServer } from 'node:net'

/** A peer id as text, whichever form a router hands it in (a peer id, or its CID form). */
function peerIdText (id: { toString: () => string }): string {
  const text = id.toString()
  return text.startsWith('b') ? peerIdFromCID(CID.parse(text)).toString() : text
}

const online = (routers: string[], extra: Record<string, string | number | boolean | string[]> = {}): Record<string, string | number | boolean | string[]> => ({
  'network.offline': false,
  'network.publicBootstrap': [],
  'network.dht': 'off',
  'network.delegatedRouters': routers,
  'network.fetchTimeoutMs': 15_000,
  ...extra
})

describe('the public IPFS network, against a local stand-in', () => {
  let a: TestRelay
  let b: TestRelay
  let cid: string
  const bytes = new TextEncoder().encode(`held only by relay A ${Math.random()}`)

  beforeAll(async () => {
    a = await startTestRelay()
    b = await startTestRelay(online([a.url]))
    cid = (await addBytes(a.url, bytes)).cid
  })
  afterAll(async () => {
    await b?.destroy()
    await a?.destroy()
  })

  it('serves Routing V1 providers and peers, read by Helia\'s delegated-routing client', async () => {
    const client = delegatedRoutingV1HttpApiClient({ url: a.url, cacheTTL: 0 })({ logger: defaultLogger() })
    const providers = await Array.fromAsync(client.getProviders(CID.parse(cid)))
    expect(providers.map(p => peerIdFromCID(p.ID).toString())).toEqual([a.node.libp2p.peerId.toString()])
    expect(providers[0]?.Addrs.map(String)).toEqual(expect.arrayContaining(a.node.libp2p.getMultiaddrs().map(ma => ma.toString().replace(/\/p2p\/.*$/, ''))))
    const peers = await Array.fromAsync(client.getPeers(a.node.libp2p.peerId.toCID()))
    expect(peers.map(p => peerIdFromCID(p.ID).toString())).toEqual([a.node.libp2p.peerId.toString()])

    const missing = await fetch(`${a.url}/routing/v1/providers/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe('*')
    const ndjson = await fetch(`${a.url}/routing/v1/providers/${cid}`, { headers: { accept: 'application/x-ndjson' } })
    expect(ndjson.headers.get('content-type')).toMatch(/application\/x-ndjson/)
    expect((await ndjson.text()).trim().split('\n').map(line => (JSON.parse(line) as { Schema: string }).Schema)).toEqual(['peer'])
    expect((await fetch(`${a.url}/routing/v1/providers/not-a-cid`)).status).toBe(400)
  })

  it('relay B finds relay A through delegated routing and fetches content it was never given', async () => {
    expect(b.node.libp2p.getConnections().map(c => c.remotePeer.toString())).not.toContain(a.node.libp2p.peerId.toString())
    const res = await fetch(`${b.url}/api/v1/cat/${cid}`)
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes)
    expect(b.node.libp2p.getConnections().map(c => c.remotePeer.toString())).toContain(a.node.libp2p.peerId.toString())
  })

  it('a plain Helia node finds content the relay holds through the relay\'s routing endpoint, and fetches it', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const helia = withBitswap(withLibp2pLight(createHeliaLight(), {
      privateKey,
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify(), delegatedRouting: delegatedRoutingV1HttpApiClientContentRouting({ url: b.url, cacheTTL: 0 }) }
    }))
    await helia.start()
    try {
      expect(helia.libp2p.peerId.equals(peerIdFromPrivateKey(privateKey))).toBe(true)
      const got = await collectBlock(helia.blockstore.get(CID.parse(cid), { signal: AbortSignal.timeout(20_000) }))
      expect(new Uint8Array(got)).toEqual(bytes)
    } finally {
      await helia.stop()
    }
  })
})

describe('the DHT, in LAN mode: a provider record on a DHT server leads one relay to another', () => {
  let dhtServer: Awaited<ReturnType<typeof startDhtServer>>
  let provider: TestRelay
  let reader: TestRelay
  const bytes = new TextEncoder().encode(`provided through the DHT ${Math.random()}`)

  /** A plain Helia/libp2p node serving the LAN DHT, the only peer both relays are told about. */
  async function startDhtServer (): Promise<ReturnType<typeof withLibp2pLight<ReturnType<typeof createHeliaLight>>>> {
    const helia = withLibp2pLight(createHeliaLight(), {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify(), ping: ping(), dht: kadDHT({ protocol: '/ipfs/lan/kad/1.0.0', clientMode: false, peerInfoMapper: removePublicAddressesMapper }) }
    })
    await helia.start()
    return helia
  }

  beforeAll(async () => {
    dhtServer = await startDhtServer()
    const bootstrap = dhtServer.libp2p.getMultiaddrs().map(String)
    const lan = { 'network.dht': 'lan', 'libp2p.bootstrap': bootstrap, 'network.fetchTimeoutMs': 20_000 }
    provider = await startTestRelay(online([], lan))
    reader = await startTestRelay(online([], lan))
  })
  afterAll(async () => {
    await reader?.destroy()
    await provider?.destroy()
    await dhtServer?.stop()
  })

  it('relay B finds relay A\'s content through a provider record A put on the DHT, dials A and fetches it', async () => {
    const { cid } = await addBytes(provider.url, bytes) // pinned, so provided
    // the record lands on the DHT server (the peer closest to the key in a network of three)
    await expect.poll(async () => {
      const found = await Array.fromAsync(dhtServer.routing.findProviders(CID.parse(cid), { signal: AbortSignal.timeout(2_000) })).catch(() => [])
      return found.map(p => peerIdText(p.id))
    }, { timeout: 20_000, interval: 500 }).toContain(provider.node.libp2p.peerId.toString())
    // the DHT's own upkeep may have connected B to A meanwhile (it did on a loaded CI machine): cut that, so what B
    // fetches it must find through routing rather than over a connection it already had
    await reader.node.libp2p.hangUp(provider.node.libp2p.peerId)
    expect(reader.node.libp2p.getConnections().map(c => c.remotePeer.toString())).not.toContain(provider.node.libp2p.peerId.toString())
    const res = await fetch(`${reader.url}/api/v1/cat/${cid}`)
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes)
  }, 60_000)
})

describe('--offline: the relay reaches for nothing outside', () => {
  let router: Server
  let routerRequests = 0
  let bootstrapPeer: TcpServer
  let bootstrapConnections = 0

  beforeAll(async () => {
    router = createServer((_req, res) => { routerRequests++; res.writeHead(404).end() })
    await new Promise<void>(resolve => router.listen(0, '127.0.0.1', resolve))
    bootstrapPeer = createTcpServer(socket => { bootstrapConnections++; socket.destroy() })
    await new Promise<void>(resolve => bootstrapPeer.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    router?.closeAllConnections()
    await new Promise(resolve => router?.close(resolve))
    await new Promise(resolve => bootstrapPeer?.close(resolve))
  })

  const tryToFind = async (offline: boolean): Promise<void> => {
    const someone = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const relay = await startTestRelay(online([`http://127.0.0.1:${(router.address() as AddressInfo).port}`], {
      'network.offline': offline,
      'network.publicBootstrap': [`/ip4/127.0.0.1/tcp/${(bootstrapPeer.address() as AddressInfo).port}/p2p/${someone}`],
      'network.fetchTimeoutMs': 1500
    }))
    try {
      const res = await fetch(`${relay.url}/api/v1/cat/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`)
      expect(res.status).toBeGreaterThanOrEqual(400)
      await res.body?.cancel()
      await new Promise(resolve => setTimeout(resolve, 500))
    } finally {
      await relay.destroy()
    }
  }

  it('asks no router and dials no bootstrap peer when offline, and does both when not', async () => {
    await tryToFind(true)
    expect({ routerRequests, bootstrapConnections }).toEqual({ routerRequests: 0, bootstrapConnections: 0 })
    await tryToFind(false)
    expect(routerRequests).toBeGreaterThan(0)
    expect(bootstrapConnections).toBeGreaterThan(0)
  })
})
