/**
 * A Helia 7 node that never touches the network, on a `blockstore-fs` store — the reference the benchmarks
 * compare against. Helia 7's `createHelia()` is synchronous and the node must be started; keys under `libp2p:`
 * replace Helia's defaults wholesale, so empty lists drop every listener, transport, discovery method and
 * service (DHT, autoNAT, UPnP, delegated routing, ...); `http:` with empty lists adds no delegated router and no
 * recursive gateway.
 */
import { unixfs } from '@helia/unixfs'
import { FsBlockstore } from 'blockstore-fs'
import { MemoryDatastore } from 'datastore-core'
import { createHelia } from 'helia'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { UnixFS } from '@helia/unixfs'
import type { Helia } from 'helia'

/**
 * UnixFS settings of the `unixfs-v1-2025` profile (IPIP-499), spelled out so both Helia and ipfs-kit build
 * the same DAG: CIDv1, raw leaves, 1 MiB fixed-size chunks, balanced layout with 1024 links per node.
 */
export const UNIXFS_V1_2025 = {
  profile: 'unixfs-v1-2025',
  cidVersion: 1,
  rawLeaves: true,
  chunker: fixedSize({ chunkSize: 1_048_576 }),
  layout: balanced({ maxChildrenPerNode: 1024 })
} as const

/** A started offline Helia node with UnixFS; `stop` stops it and closes the blockstore. */
export interface OfflineHelia {
  helia: Helia
  fs: UnixFS
  stop(): Promise<void>
}

/** Starts an offline Helia node whose blocks live in `blockstore-fs` at `path`. */
export async function startOfflineHelia (path: string): Promise<OfflineHelia> {
  const blockstore = new FsBlockstore(path)
  await blockstore.open()
  const helia = createHelia({
    blockstore,
    datastore: new MemoryDatastore(),
    libp2p: {
      addresses: { listen: [] },
      transports: [],
      peerDiscovery: [],
      services: {}
    },
    http: { delegatedRouters: [], recursiveGateways: [] }
  })
  await helia.start()
  return {
    helia,
    fs: unixfs(helia),
    stop: async () => {
      await helia.stop()
      await blockstore.close()
    }
  }
}
