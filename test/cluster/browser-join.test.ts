import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { joinCluster } from '../../app/node/cluster-join.ts'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { ContentStore } from '../../core/content/content-store.ts'
import { EventBus } from '../../core/events/bus.ts'
import { IpfsService } from '../../core/service/ipfs-service.ts'
import { addBytes } from '../relay/support.ts'
import { FAST, SECRET, destroyRelay, randomBytes, startRelays, tcpAddrs, waitFor } from './support.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { BrowserNode } from '../../app/node/create-browser-node.ts'
import type { TestRelay } from '../relay/support.ts'

/**
 * `joinCluster` (the browser node's glue) over a real Helia node shaped like the browser node — its peer key made
 * and kept by Helia in the datastore, as in a tab — with TCP instead of WebSockets/WebRTC and memory stores instead
 * of IndexedDB (the Chromium path is not exercised here).
 */
describe('browser node joins the cluster', () => {
  let relay: TestRelay
  let node: Pick<BrowserNode, 'helia' | 'libp2p' | 'service' | 'events'>
  let cluster: Cluster

  beforeAll(async () => {
    [relay] = await startRelays(1) as [TestRelay]
    const blockstore = new MemoryBlockstore()
    const helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore, datastore: new MemoryDatastore() }), {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false }) }
    })) as unknown as BrowserNode['helia']
    await helia.start()
    const libp2p = helia.libp2p
    await libp2p.dial(tcpAddrs(relay).map(a => multiaddr(a)))
    const events = new EventBus()
    const content = new ContentStore({ blockstore: new NetworkBlockstore({ local: blockstore, network: helia.blockstore, peerCount: () => libp2p.getConnections().length, fetchTimeoutMs: 5000 }) })
    node = { helia, libp2p, events, service: new IpfsService({ content, pins: helia.pins, events, libp2p }) }
    cluster = await joinCluster(node, { name: 'test', secret: SECRET, ...FAST, usage: async () => ({ freeSpace: 1e9 }) })
  }, 30_000)

  afterAll(async () => {
    await cluster.stop()
    await node.helia.stop()
    await destroyRelay(relay)
  }, 30_000)

  it('signs with the tab\'s own peer key, pins what is allocated to it and passes a holding check', async () => {
    const relayCluster = relay.cluster as Cluster
    await waitFor(() => relayCluster.peers().some(p => p.peerId === cluster.peerId && p.kind === 'browser' && p.live), 10_000, 'relay sees the browser peer')
    const { cid } = await addBytes(relay.url, randomBytes(80_000), '?pin=false')
    await relayCluster.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [cluster.peerId] })
    await waitFor(() => relayCluster.status(cid).peers[cluster.peerId]?.state === 'pinned', 20_000, 'pinned in the browser node')
    expect(await relayCluster.checkHolding(cid, cluster.peerId)).toMatchObject({ ok: true })
  }, 40_000)
})
