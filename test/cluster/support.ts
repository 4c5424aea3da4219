import { rm } from 'node:fs/promises'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { createCluster, datastoreStateStore } from '../../core/cluster/index.ts'
import { ContentStore } from '../../core/content/content-store.ts'
import { EventBus } from '../../core/events/bus.ts'
import { IpfsService } from '../../core/service/ipfs-service.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Cluster, ClusterInit } from '../../core/cluster/index.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

/** The shared secret of test clusters. */
export const SECRET = 'test-cluster-secret-0123456789'

/** Short timings so the whole cluster suite runs in well under two minutes. */
export const FAST = { heartbeatMs: 500, peerTimeoutMs: 5000, pinTimeoutMs: 6000, checkIntervalMs: 0, syncIntervalMs: 1000, recoverIntervalMs: 3000 } as const

/** Relay flags for a test cluster member. */
export function relayClusterFlags (extra: Record<string, string | number | boolean | string[]> = {}): Record<string, string | number | boolean | string[]> {
  return {
    'cluster.name': 'test', 'cluster.secret': SECRET,
    'cluster.heartbeatMs': FAST.heartbeatMs, 'cluster.peerTimeoutMs': FAST.peerTimeoutMs, 'cluster.pinTimeoutMs': FAST.pinTimeoutMs,
    'cluster.checkIntervalMs': FAST.checkIntervalMs, 'cluster.syncIntervalMs': FAST.syncIntervalMs, 'cluster.recoverIntervalMs': FAST.recoverIntervalMs,
    'network.fetchTimeoutMs': 5000,
    ...extra
  }
}

/** TCP addresses of a relay, to bootstrap others from. */
export function tcpAddrs (relay: TestRelay): string[] {
  return relay.node.libp2p.getMultiaddrs().map(String).filter(a => a.includes('/tcp/') && !a.includes('/ws'))
}

/** Start `n` relays that form one cluster (each bootstraps from the first). */
export async function startRelays (n: number, extra: Record<string, string | number | boolean | string[]> = {}): Promise<TestRelay[]> {
  const first = await startTestRelay(relayClusterFlags(extra))
  const relays = [first]
  for (let i = 1; i < n; i++) relays.push(await startTestRelay(relayClusterFlags({ 'libp2p.bootstrap': tcpAddrs(first), ...extra })))
  return relays
}

/** A lightweight in-process cluster peer: real libp2p (TCP) + Helia with memory stores, a service, a cluster. */
export interface LightPeer {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  blockstore: MemoryBlockstore
  service: IpfsService
  cluster: Cluster
  events: EventBus
  privateKey: PrivateKey
  stop: () => Promise<void>
}

/** Start a light peer dialled to `bootstrap`, with cluster settings `init` (defaults: the test cluster, fast timings). */
export async function startLightPeer (bootstrap: string[], init: Partial<ClusterInit> = {}, options: { datastore?: MemoryDatastore, privateKey?: PrivateKey, events?: EventBus, gate?: { closed: boolean } } = {}): Promise<LightPeer> {
  const privateKey = options.privateKey ?? await generateKeyPair('Ed25519')
  const blockstore = new MemoryBlockstore()
  const datastore = options.datastore ?? new MemoryDatastore()
  const light = createHeliaLight({ blockstore, datastore })
  const helia = withBitswap(withLibp2pLight(light, {
    privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // `gate.closed` cuts the peer off (no dial out, no connection in) until the test opens it
    connectionGater: { denyDialMultiaddr: () => options.gate?.closed === true, denyInboundConnection: () => options.gate?.closed === true },
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false }) }
  })) as unknown as { libp2p: Libp2p<{ pubsub: GossipSub }>, blockstore: MemoryBlockstore, start: () => Promise<void>, stop: () => Promise<void> }
  await helia.start()
  const libp2p = helia.libp2p
  const events = options.events ?? new EventBus()
  const network = new NetworkBlockstore({ local: blockstore, network: helia.blockstore, peerCount: () => libp2p.getConnections().length, fetchTimeoutMs: 5000 })
  const service = new IpfsService({ content: new ContentStore({ blockstore: network }), pins: (helia as unknown as { pins: ConstructorParameters<typeof IpfsService>[0]['pins'] }).pins, events, libp2p })
  const cluster = createCluster({ name: 'test', secret: SECRET, kind: 'browser', ...FAST, ...init })({
    peerId: libp2p.peerId,
    privateKey,
    libp2p,
    pubsub: libp2p.services.pubsub,
    pinner: service,
    localBlocks: blockstore,
    usage: async () => ({ freeSpace: 1024 * 1024 * 1024 }),
    store: datastoreStateStore(datastore, init.name ?? 'test'),
    events
  })
  await dialWithRetry(libp2p, bootstrap)
  await cluster.start()
  return {
    libp2p, blockstore, service, cluster, events, privateKey,
    stop: async () => {
      await cluster.stop()
      await helia.stop()
    }
  }
}

/** Dial one of `addrs`, retrying a few times (a loaded machine drops the odd dial). */
async function dialWithRetry (libp2p: Libp2p, addrs: string[]): Promise<void> {
  if (addrs.length === 0) return
  let lastError: unknown
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await libp2p.dial(addrs.map(a => multiaddr(a)), { signal: AbortSignal.timeout(5000) })
      return
    } catch (err) {
      lastError = err
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
  throw lastError
}

/** Stop a relay and remove its data dir (retrying: libp2p's peer store may still be flushing). */
export async function destroyRelay (relay: TestRelay): Promise<void> {
  await relay.stop()
  await rm(relay.dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
}

/** Poll `check` until it returns true or `timeoutMs` passes; returns the elapsed ms. */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition', explain?: () => unknown): Promise<number> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain === undefined ? '' : `: ${JSON.stringify(explain())}`}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return Date.now() - start
}

/** Random bytes of a given size. */
export function randomBytes (size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
  return bytes
}
