import { join } from 'node:path'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import type { FsDatastore } from 'datastore-fs'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { createHeliaLight } from 'helia'
import * as json from 'multiformats/codecs/json'
import { sha256 } from 'multiformats/hashes/sha2'
import { TieredBlockstore } from '../../core/blocks/index.ts'
import { announceInBackground } from '../../core/blocks/announce.ts'
import { rememberingHasher } from '../../core/blocks/verify.ts'
import { RELAY_TOPICS } from '../../core/events/topics.ts'
import { FsBlockstore } from '../blocks/fs-blockstore.ts'
import { sharedHashingReadPool } from '../blocks/hashing-reads.ts'
import { lockRepo } from './repo-lock.ts'
import { publicNetworkServices } from '../public-network/services.ts'
import type { RepoLock } from './repo-lock.ts'
import { SafeFsDatastore } from './safe-fs-datastore.ts'
import { PinBatchingDatastore } from '../../core/service/pin-write-batch.ts'
import type { PinWriteBatch } from '../../core/service/pin-write-batch.ts'
import type { TlsMaterial } from '../tls/load-tls.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'
import type { Helia } from 'helia'

/** The libp2p services the relay runs. */
export interface RelayServices {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  relay?: CircuitRelayService
  [key: string]: unknown
}

/** A started relay node: Helia (bitswap, pins) over our filesystem blockstore, with its libp2p. */
export interface RelayNode {
  helia: Helia & { libp2p: Libp2p<RelayServices> }
  libp2p: Libp2p<RelayServices>
  /** The local blockstore (filesystem, with a memory LRU in front). */
  blockstore: TieredBlockstore
  fsBlockstore: FsBlockstore
  datastore: FsDatastore
  /** The same datastore as Helia sees it: a pin's records are written through it as batches. */
  pinWrites: PinWriteBatch
  stop: () => Promise<void>
}


/**
 * Build and start the relay's node: filesystem blockstore and datastore under `dataDir` (the peer key lives in
 * the datastore's keychain, so the peer id survives restarts), libp2p with WebSocket + TCP, noise, yamux,
 * identify, ping, gossipsub and a circuit relay v2 server, and Helia with bitswap over all of it; unless
 * `network.offline`, the public IPFS network too (node-relay/public-network).
 */
export async function createRelayNode (config: RelayConfig, options: { tls?: TlsMaterial } = {}): Promise<RelayNode> {
  const lock = await lockRepo(config.dataDir)
  const opened: Array<() => Promise<void>> = [async () => { await lock.release() }]
  try {
    return await openNode(config, options, lock, opened)
  } catch (err) {
    // a broken store or a taken port: release what was opened, so the caller can exit or retry
    for (const close of opened.reverse()) await close().catch(() => {})
    throw err
  }
}

async function openNode (config: RelayConfig, options: { tls?: TlsMaterial }, lock: RepoLock, opened: Array<() => Promise<void>>): Promise<RelayNode> {
  // verified reads are read and hashed in worker threads, all started now (until they run, reads are done here)
  const hashingReads = sharedHashingReadPool()
  void hashingReads.start()
  const fsBlockstore = new FsBlockstore({ path: join(config.dataDir, 'blocks'), fsync: config.blocks.fsync, hashingReads })
  await fsBlockstore.open()
  opened.push(async () => { await fsBlockstore.close() })
  const blockstore = new TieredBlockstore(fsBlockstore, { cacheBytes: config.blocks.cacheBytes })
  const datastore = new SafeFsDatastore(join(config.dataDir, 'datastore'))
  await datastore.open()
  opened.push(async () => { await datastore.close() })

  const services: Record<string, unknown> = {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false })
  }
  if (config.relay.enabled) {
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: config.relay.maxReservations,
        reservationTtl: config.relay.reservationTtlMs,
        defaultDurationLimit: config.relay.connectionDurationMs,
        defaultDataLimit: BigInt(config.relay.connectionDataBytes)
      }
    })
  }

  const publicNetwork = publicNetworkServices(config)
  Object.assign(services, publicNetwork.services)

  // the codecs pins and dag_get/dag_put need beyond dag-pb and raw
  // Helia hashes each fetched block to check it; remembered, so verified reads of it do not hash it again
  const pinWrites = new PinBatchingDatastore(datastore)
  const light = createHeliaLight({ blockstore, datastore: pinWrites, codecs: [dagCbor, dagJson, json], hashers: [rememberingHasher(sha256)] })
  const withNet = withLibp2pLight(light, {
    addresses: { listen: config.libp2p.listen, announce: config.libp2p.announce },
    // with a certificate, /tls/ws listen addresses are WSS (browsers on https pages cannot dial plain ws)
    transports: [webSockets(options.tls === undefined ? {} : { https: { cert: options.tls.cert, key: options.tls.key } }), tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    peerDiscovery: publicNetwork.peerDiscovery as never,
    services: services as never
  })
  const helia = withBitswap(withNet) as unknown as RelayNode['helia']
  opened.push(async () => { await helia.stop() })
  await helia.start()
  announceInBackground(helia)
  const libp2p = helia.libp2p
  // gossipsub forwards only topics a node is subscribed to: the relay joins the mesh topics browsers use
  for (const topic of RELAY_TOPICS) libp2p.services.pubsub.subscribe(topic)
  for (const addr of config.libp2p.bootstrap) {
    const { multiaddr } = await import('@multiformats/multiaddr')
    libp2p.dial(multiaddr(addr)).catch(() => {})
  }
  return {
    helia,
    libp2p,
    blockstore,
    fsBlockstore,
    datastore,
    pinWrites,
    stop: async () => {
      await helia.stop()
      await datastore.close()
      await fsBlockstore.close()
      await lock.release()
    }
  }
}
