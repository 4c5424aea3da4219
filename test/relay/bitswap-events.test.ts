import { createHash } from 'node:crypto'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { expect } from 'vitest'
import { createContentStore } from '../../core/content/index.ts'
import { collect, pseudoRandomBytes } from '../support/fixtures.ts'
import { addBytes, startTestRelay } from './support.ts'
import type { TestRelay } from './support.ts'
import type { NodeEvent } from '../../core/events/bus.ts'

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** A plain Helia 7 node (TCP, noise, yamux, bitswap) standing for any other IPFS peer. */
async function createPeer (): Promise<ReturnType<typeof withBitswap>> {
  const light = createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() })
  const helia = withBitswap(withLibp2pLight(light, {
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  }))
  await helia.start()
  return helia
}

let relay: TestRelay
beforeAll(async () => { relay = await startTestRelay() })
afterAll(async () => { await relay.destroy() })

function tcpAddr (r: TestRelay): ReturnType<typeof multiaddr> {
  const addr = r.node.libp2p.getMultiaddrs().find(a => !a.toString().includes('/ws'))
  if (addr === undefined) throw new Error('relay has no TCP address')
  return addr
}

describe('the relay as a Helia peer', () => {
  it('serves blocks over bitswap to another Helia node', async () => {
    const bytes = pseudoRandomBytes(2_200_000, 31)
    const { cid } = await addBytes(relay.url, bytes)
    const peer = await createPeer()
    try {
      await peer.libp2p.dial(tcpAddr(relay))
      const content = createContentStore({ blockstore: peer.blockstore })
      const got = await collect(content.cat(cid, { signal: AbortSignal.timeout(20_000) }))
      expect(sha(got)).toBe(sha(bytes))
    } finally {
      await peer.stop()
    }
  })

  it('fetches over bitswap what it is asked to pin and does not hold', async () => {
    const peer = await createPeer()
    try {
      const bytes = pseudoRandomBytes(1_500_000, 32)
      const { cid } = await createContentStore({ blockstore: peer.blockstore }).add(bytes)
      await relay.node.libp2p.dial(peer.libp2p.getMultiaddrs()[0] ?? multiaddr('/ip4/127.0.0.1/tcp/1'))
      const res = await fetch(`${relay.url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid: cid.toString(), name: 'from-peer' }) })
      expect(res.status).toBe(200)
      const cat = await fetch(`${relay.url}/api/v1/cat/${cid.toString()}`)
      expect(sha(new Uint8Array(await cat.arrayBuffer()))).toBe(sha(bytes))
    } finally {
      await peer.stop()
    }
  })

  it('fails fast with 404 for content nobody connected has', async () => {
    const lonely = await startTestRelay()
    try {
      const started = Date.now()
      const res = await fetch(`${lonely.url}/api/v1/cat/bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq`)
      expect(res.status).toBe(404)
      expect(Date.now() - started).toBeLessThan(5000)
    } finally {
      await lonely.destroy()
    }
  })
})

describe('/ws events', () => {
  it('streams content, pin and peer events as JSON', async () => {
    const ws = new WebSocket(relay.url.replace('http', 'ws') + '/ws')
    const events: NodeEvent[] = []
    const hello = new Promise<void>((resolve, reject) => {
      ws.addEventListener('message', (msg: MessageEvent<string>) => {
        const event = JSON.parse(msg.data) as NodeEvent | { type: 'hello' }
        if (event.type === 'hello') resolve()
        else events.push(event)
      })
      ws.addEventListener('error', () => { reject(new Error('websocket failed')) })
    })
    await hello
    const { cid } = await addBytes(relay.url, new TextEncoder().encode('an event'), '?name=evt')
    await fetch(`${relay.url}/api/v1/pins/${cid}`, { method: 'DELETE' })
    const peer = await createPeer()
    await peer.libp2p.dial(tcpAddr(relay))
    await peer.stop()
    const until = Date.now() + 5000
    while (Date.now() < until && !events.some(e => e.type === 'peer:left')) await new Promise(r => setTimeout(r, 50))
    ws.close()
    const types = events.map(e => e.type)
    expect(types).toEqual(expect.arrayContaining(['pin:added', 'content:added', 'pin:removed', 'peer:joined', 'peer:left']))
    expect(events.find(e => e.type === 'content:added')).toMatchObject({ cid, name: 'evt' })
  })
})

describe('peer identity', () => {
  it('survives a restart on the same data directory', async () => {
    const first = await startTestRelay()
    const id = first.node.libp2p.peerId.toString()
    await first.stop()
    const second = await startTestRelay({}, first.dataDir)
    try {
      expect(second.node.libp2p.peerId.toString()).toBe(id)
    } finally {
      await second.destroy()
    }
  })
})

describe('data directory lock', () => {
  it('refuses a second relay on a data directory in use', async () => {
    const { rejection } = await import('../support/fixtures.ts')
    const err = await rejection(startTestRelay({}, relay.dataDir))
    expect(err.code).toBe('ERR_STORAGE')
    expect(err.message).toContain('in use')
  })
})
