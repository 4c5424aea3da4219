import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { IDBDatastore } from 'datastore-idb'
import createMortice from 'mortice'
import { createHeliaLight } from 'helia'
import { ContentStore } from '../../core/content/content-store.ts'
import { createWorkerLeafHasher } from '../content/worker-leaf-hasher.ts'
import { TimeoutError } from '../../core/errors/index.ts'
import { EventBus } from '../../core/events/bus.ts'
import { IpfsService } from '../../core/service/ipfs-service.ts'
import { GatewayBlocks } from '../../core/blocks/gateway-blocks.ts'
import { announceInBackground } from '../../core/blocks/announce.ts'
import { rememberingHasher } from '../../core/blocks/verify.ts'
import { NetworkBlockstore } from '../../core/blocks/network.ts'
import { PinBatchingDatastore } from '../../core/service/pin-write-batch.ts'
import { WriteBehindBlockstore } from '../../core/blocks/write-behind.ts'
import { IdbBlockstore } from '../blocks/idb-blockstore.ts'
import { WorkerBlockstore } from '../worker/worker-blockstore.ts'
import { BlockStream } from '../../core/blocks/block-stream.ts'
import { describeConnection, isDirectWebRTC, transportKindOf } from './connection-kind.ts'
import { MeshDialer } from './mesh-dialer.ts'
import { MeshDiscovery } from './mesh-discovery.ts'
import { resolveRelayAddresses } from './relay-address.ts'
import { RelayLink } from './relay-link.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { ConnectionInfo } from './connection-kind.ts'
import type { MeshDialerInit } from './mesh-dialer.ts'
import type { MeshDiscoveryInit } from './mesh-discovery.ts'
import type { RelaysLocation } from './relay-address.ts'
import type { RelayLinkInit } from './relay-link.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { DecryptOptions } from '../../core/crypto/index.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Helia } from 'helia'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { sha256 } from 'multiformats/hashes/sha2'
import type { CID } from 'multiformats/cid'
import { assertFitsQuota } from './quota-guard.ts'
import { reannouncer } from '../../core/blocks/reannounce.ts'
import { startBrowserSearch } from '../worker/search-client.ts'
import type { StorageEstimator } from './quota-guard.ts'
import type { BrowserSearch } from '../worker/search-client.ts'

/**
 * Largest message on a WebRTC data channel. libp2p's default is 16 KiB; 64 KiB moves bulk data in fewer SCTP
 * messages (see bench/browser/mesh-transfer.ts). Receivers accept any size up to 4 MiB, so peers on the default
 * still read what we send.
 */
const WEBRTC_MESSAGE_BYTES = 64 * 1024

/** The libp2p services a browser node runs. */
export interface BrowserServices {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  [key: string]: unknown
}

/**
 * Options for {@link createBrowserNode}: where the relay is (or the relays are, `relays: [...]`, for failover), plus
 * optional storage and tuning.
 */
export type BrowserNodeInit = RelaysLocation & {
  /**
   * Prefix of the IndexedDB databases (`<name>-blocks`, `<name>-data`) used when no blockstore/datastore is given
   * (default `ipfs-kit`). Two nodes in one origin need different names.
   */
  name?: string
  /** Where blocks live (default an {@link IdbBlockstore}, or a {@link WorkerBlockstore} with `storageWorker`). Opened by the caller. */
  blockstore?: Blockstore
  /**
   * A dedicated worker running `app/worker/storage-worker.ts`: blocks then live in IndexedDB inside it, so storage work
   * stays off the UI thread. The node owns it (terminated by `stop()`). Ignored when `blockstore` is given.
   */
  storageWorker?: Worker
  /** Where pins, the peer key and peer records live (default an `IDBDatastore`). Opened by the caller. */
  datastore?: Datastore
  /** Run the WebRTC transport and listen on `/webrtc` (default true). Without it, peers are reached only through the relay. */
  webRTC?: boolean
  /** Peer discovery on gossipsub. */
  discovery?: MeshDiscoveryInit
  /** How discovered peers are dialed. */
  dialer?: Omit<MeshDialerInit, 'webRTC'>
  /** How the connection to the relay is kept (dial deadline, which bounds failover to the next relay; backoff). */
  relayLink?: RelayLinkInit
  /** How long a block missing here may take to arrive from peers (default 30 s). */
  fetchTimeoutMs?: number
  /**
   * A trustless gateway (the relay's HTTP origin) asked for blocks no peer sends within `gatewayAfterMs` (default
   * 3 s): the relay fetches them from its own peers or the public network; every block is verified here. A function
   * is asked at each fetch (the live relay's origin, after a failover).
   */
  gatewayUrl?: string | (() => string)
  gatewayAfterMs?: number
  /**
   * Refuse adds that cannot fit in this origin's storage before a block is written (default: `navigator.storage`;
   * `false` turns the check off). Every add through `service` is checked, whoever calls it.
   */
  quota?: StorageEstimator | false
  /**
   * A worker running `app/worker/search-worker.ts`: the node then keeps a search index of what it holds, fed by its
   * own events (`search`). The node owns the worker (terminated by `stop()`).
   */
  searchWorker?: () => Worker
  /**
   * Starts a worker running `app/worker/hash-worker.ts`: adds then hash their leaves in such workers (up to the
   * cores less one, started on the first add), off the page's main thread. The node owns them (closed by `stop()`).
   */
  hashWorker?: () => Worker
  /** Keys that open this browser's encrypted files, for its search index (its own worker) to read their words. */
  decryptKeys?: () => Promise<DecryptOptions | undefined>
}

/** A running browser node. */
export interface BrowserNode {
  /** This node's peer id (persisted in the datastore: the same after a reload). */
  readonly peerId: string
  /** Every operation (add, cat, pins, blocks, CAR) through the one service layer. */
  readonly service: IpfsService
  /** `content:added`, `pin:added`, `peer:joined`, ... */
  readonly events: EventBus
  readonly helia: Helia & { libp2p: Libp2p<BrowserServices> }
  readonly libp2p: Libp2p<BrowserServices>
  /** The first (preferred) relay's WebSocket multiaddr. */
  readonly relay: Multiaddr
  /** Every relay this node may use, in order of preference (one unless `relays` was given). */
  readonly relays: Multiaddr[]
  /** The relay this node is connected through now (undefined while none is reachable). */
  activeRelay: () => Multiaddr | undefined
  /** Open connections with their transport kind (`webrtc` direct, `relayed`, `websocket`). */
  connections: () => ConnectionInfo[]
  /** Whether a relay is connected right now (the next is dialed when it goes; all redialed with backoff while none is). */
  relayConnected: () => boolean
  /** Browser peers currently announcing themselves on the discovery topic. */
  meshPeers: () => string[]
  /** The addresses other browsers can reach this node on (circuit, and circuit/webrtc when WebRTC is on). */
  reachableAddresses: () => string[]
  /** Resolves once the relay has granted a reservation, so other browsers can dial this node. */
  whenReachable: (options?: AbortOptions & { timeoutMs?: number }) => Promise<string[]>
  /**
   * The node's search index (in its search worker), started with the node when `searchWorker` was given, so
   * every view and caller shares one index; resolves to undefined without one.
   */
  search: () => Promise<BrowserSearch | undefined>
  /**
   * Blocks this node has fetched since it started: from peers (`fromDirectPeers` of them over the block stream of a
   * direct WebRTC connection, the rest over bitswap), and through the relay's gateway.
   */
  fetched: () => { fromPeers: number, fromDirectPeers: number, fromGateway: number }
  /** Stop discovery, dialing, libp2p and Helia, and close the stores this node opened. */
  stop: () => Promise<void>
}

/** A circuit address through the relay's WebSocket listener (the relay's TCP listener is of no use to browsers). */
function isBrowserDialableCircuit (addr: Multiaddr): boolean {
  const names = addr.getComponents().map(c => c.name)
  const circuit = names.indexOf('p2p-circuit')
  return circuit > 0 && names.slice(0, circuit).some(name => name === 'ws' || name === 'wss')
}

async function defaultStores (init: BrowserNodeInit): Promise<{ blockstore: Blockstore, datastore: PinBatchingDatastore, ownBlocks: boolean, close: () => Promise<void> }> {
  const name = init.name ?? 'ipfs-kit'
  let ownBlocks: IdbBlockstore | WorkerBlockstore | undefined
  if (init.blockstore === undefined) {
    ownBlocks = init.storageWorker === undefined ? new IdbBlockstore(`${name}-blocks`) : new WorkerBlockstore(init.storageWorker, `${name}-blocks`)
  }
  const ownData = init.datastore === undefined ? new IDBDatastore(`${name}-data`) : undefined
  await ownBlocks?.open()
  await ownData?.open()
  const backing = init.blockstore ?? ownBlocks
  const datastore = init.datastore ?? ownData
  if (backing === undefined || datastore === undefined) throw new Error('unreachable: a store is always given or opened')
  // blocks fetched from peers reach their reader before IndexedDB has written them (see WriteBehindBlockstore)
  const blockstore = new WriteBehindBlockstore(backing, { onError: (err, cid) => { console.warn(`could not store fetched block ${cid.toString()}`, err) } })
  return {
    blockstore,
    // a pin's records commit as one IndexedDB transaction instead of one per block (see PinBatchingDatastore)
    datastore: new PinBatchingDatastore(datastore),
    ownBlocks: ownBlocks !== undefined,
    close: async () => {
      await blockstore.flush()
      await ownBlocks?.close()
      await ownData?.close()
    }
  }
}

/**
 * Start an IPFS node in a browser tab, on the main thread (WebRTC does not exist in workers): libp2p with WebSockets
 * (to the relay), WebRTC (to other browsers) and circuit relay v2 (reservation on the relay, so other browsers can
 * reach this one), noise, yamux, identify, ping and gossipsub; Helia with bitswap over an IndexedDB blockstore; peer
 * discovery on gossipsub and a dialer that keeps direct WebRTC connections to every browser peer it hears of.
 *
 * @example
 * ```ts
 * const node = await createBrowserNode({ relayMultiaddr: '/ip4/127.0.0.1/tcp/9998/ws/p2p/12D3Koo…' })
 * const { cid } = await node.service.add(new TextEncoder().encode('hello'))
 * node.connections() // [{ peerId, kind: 'websocket', ... }, { peerId, kind: 'webrtc', ... }]
 * await node.stop()
 * ```
 */
export async function createBrowserNode (init: BrowserNodeInit): Promise<BrowserNode> {
  const relays = await resolveRelayAddresses(init)
  const relay = relays[0]
  if (relay === undefined) throw new Error('unreachable: resolveRelayAddresses returns at least one address')
  const useWebRTC = init.webRTC ?? true
  const stores = await defaultStores(init)
  let helia: BrowserNode['helia']
  try {
    helia = await startHelia(stores, useWebRTC)
  } catch (err) {
    await stores.close()
    throw err
  }
  const libp2p = helia.libp2p
  const relayLink = new RelayLink(libp2p, relays, init.relayLink)
  await relayLink.start()
  const events = new EventBus()
  libp2p.addEventListener('peer:connect', evt => { events.emit({ type: 'peer:joined', peerId: evt.detail.toString() }) })
  libp2p.addEventListener('peer:disconnect', evt => { events.emit({ type: 'peer:left', peerId: evt.detail.toString() }) })
  // blocks between tabs: a pipelined stream per direct WebRTC connection first, bitswap for everything else
  const directBlocks = new BlockStream({ libp2p, localBlocks: stores.blockstore }, { eligible: isDirectWebRTC })
  await directBlocks.start()
  const blockstore = new NetworkBlockstore({
    local: stores.blockstore,
    network: helia.blockstore,
    direct: directBlocks,
    peerCount: () => libp2p.getConnections().length,
    fetchTimeoutMs: init.fetchTimeoutMs ?? 30_000,
    nudge: reannouncer(libp2p),
    ...(init.gatewayUrl === undefined ? {} : { fallback: { get: gatewayGetter(init.gatewayUrl, init.fetchTimeoutMs), afterMs: init.gatewayAfterMs } })
  })
  const writes = createMortice({ name: `ipfs-kit-writes-${crypto.randomUUID()}`, singleProcess: true })
  const quota = init.quota
  const hashing = init.hashWorker === undefined ? undefined : createWorkerLeafHasher({ spawn: init.hashWorker })
  const service = new IpfsService({
    // our IndexedDB and worker stores copy a block at put (structured clone, or a copy posted to the worker), so an
    // add may reuse leaf buffers; a blockstore given by the caller may keep them
    content: new ContentStore({ blockstore, reuseLeafBuffers: stores.ownBlocks, ...(hashing === undefined ? {} : { leafHasher: hashing.hash }) }),
    pins: helia.pins,
    pinWriteBatch: stores.datastore,
    // held by an add until its pin is recorded, and alone by a block rm, as the relay's GC lock is
    writeGuard: async (options) => writes.readLock(options),
    exclusiveGuard: async (options) => writes.writeLock(options),
    events,
    libp2p,
    agentVersion: 'ipfs-kit-browser/0.1.0',
    beforeAdd: async (bytes, options) => {
      if (quota !== false && bytes !== undefined) await assertFitsQuota(bytes, { ...options, ...(quota === undefined ? {} : { storage: quota }) })
    }
  })
  const searchWorker = init.searchWorker?.()
  const search = searchWorker === undefined
    ? Promise.resolve(undefined)
    : startBrowserSearch({ worker: searchWorker, service, events, name: `${init.name ?? 'ipfs-kit'}-search`, decryptKeys: init.decryptKeys }).catch((err: unknown) => {
      console.warn('search could not start', err)
      searchWorker.terminate()
      return undefined
    })

  const reachableAddresses = (): Multiaddr[] => libp2p.getMultiaddrs().filter(isBrowserDialableCircuit)
  const dialer = new MeshDialer(libp2p, { ...init.dialer, webRTC: useWebRTC })
  const discovery = new MeshDiscovery({
    peerId: libp2p.peerId,
    pubsub: libp2p.services.pubsub,
    getAddresses: reachableAddresses,
    onPeer: peer => { dialer.discovered(peer) }
  }, init.discovery)
  dialer.start()
  discovery.start()
  const isReachable = (): boolean => {
    const addrs = reachableAddresses()
    return addrs.length > 0 && (!useWebRTC || addrs.some(a => transportKindOf(a) === 'webrtc'))
  }

  let stopping: Promise<void> | undefined
  return {
    peerId: libp2p.peerId.toString(),
    service,
    events,
    helia,
    libp2p,
    relay,
    relays,
    activeRelay: () => relayLink.active(),
    connections: () => libp2p.getConnections().map(describeConnection),
    relayConnected: () => relayLink.connected(),
    meshPeers: () => dialer.knownPeers(),
    reachableAddresses: () => reachableAddresses().map(String),
    whenReachable: async (options = {}) => {
      await waitUntil(isReachable, options, `no relay reservation on ${relays.map(String).join(' or ')}`)
      return reachableAddresses().map(String)
    },
    search: async () => search,
    fetched: () => ({ fromPeers: blockstore.fetched.fromPeers, fromDirectPeers: blockstore.fetched.fromDirect, fromGateway: blockstore.fetched.fromFallback }),
    stop: async () => {
      stopping ??= (async () => {
        const running = await search
        await running?.close().catch(() => {})
        searchWorker?.terminate()
        discovery.stop()
        dialer.stop()
        await directBlocks.stop().catch(() => {})
        relayLink.stop()
        await helia.stop()
        hashing?.close()
        await stores.close()
      })()
      await stopping
    }
  }
}

/** Verified blocks from the relay's trustless gateway (the live relay's, when `url` is a function). */
function gatewayGetter (url: string | (() => string), timeoutMs?: number): (cid: CID, options?: AbortOptions) => Promise<Uint8Array> {
  const gateways = new Map<string, GatewayBlocks>()
  return async (cid, options) => {
    const now = typeof url === 'string' ? url : url()
    let gateway = gateways.get(now)
    if (gateway === undefined) {
      gateway = new GatewayBlocks({ url: now, timeoutMs })
      gateways.set(now, gateway)
    }
    return gateway.get(cid, options)
  }
}

/** Poll `condition` every 100 ms until it holds; `ERR_TIMEOUT` after `timeoutMs` (default 15 s). */
async function waitUntil (condition: () => boolean, options: AbortOptions & { timeoutMs?: number }, what: string): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    options.signal?.throwIfAborted()
    if (Date.now() > deadline) throw new TimeoutError(`${what} within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Helia with bitswap over libp2p configured for a browser tab, started. */
async function startHelia (stores: { blockstore: Blockstore, datastore: Datastore }, useWebRTC: boolean): Promise<BrowserNode['helia']> {
  const transports = [webSockets(), circuitRelayTransport()]
  if (useWebRTC) transports.push(webRTC({ rtcConfiguration: { iceServers: [] }, dataChannel: { maxMessageSize: WEBRTC_MESSAGE_BYTES } }))
  const services: Record<string, unknown> = {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false })
  }
  // Helia hashes each fetched block to check it; remembered, so the content store's verified reads do not hash it again
  const light = createHeliaLight({ blockstore: stores.blockstore, datastore: stores.datastore, hashers: [rememberingHasher(sha256)] })
  const withNet = withLibp2pLight(light, {
    // `/p2p-circuit` reserves on whichever relay we are connected to (RelayLink keeps that connection), so a node
    // whose relay is down still starts; a relay-specific listen address would fail start() and never come back
    addresses: { listen: ['/p2p-circuit', ...(useWebRTC ? ['/webrtc'] : [])] },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // browsers refuse ws:// and private addresses by default; the relay is often on loopback or the LAN
    connectionGater: { denyDialMultiaddr: () => false },
    services: services as never
  })
  // bitswap must also run over relayed (limited) connections: that is the fallback when WebRTC cannot connect
  const helia = withBitswap(withNet, { runOnLimitedConnections: true }) as unknown as BrowserNode['helia']
  await helia.start()
  announceInBackground(helia)
  return helia
}
