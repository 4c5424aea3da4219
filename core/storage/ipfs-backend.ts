import { NotFoundError, TimeoutError } from '../errors/index.ts'
import { NetworkBlockstore } from '../blocks/network.ts'
import { createBlockstoreBackend, translateBlockstoreError } from './blockstore-backend.ts'
import { BackendUnavailableError } from './errors.ts'
import { probeStatus } from './capabilities.ts'
import type { AbortOptions } from '../abort.ts'
import type { BackendStatus, CostProfile, StorageBackend } from './backend.ts'
import type { Blockstore } from 'interface-blockstore'

/** Options of {@link createIpfsBackend}. */
export interface IpfsBackendInit {
  /** Instance name, e.g. `ipfs`. */
  name: string
  /** The node's own blockstore (what this peer provides to the network). */
  local: Blockstore
  /** Helia's networked blockstore: bitswap for missing blocks, announcements for new ones. */
  network: Blockstore
  /** Connected peers right now. */
  peerCount: () => number
  /** How long one missing block may take to arrive from peers (then it counts as not found). */
  fetchTimeoutMs: number
  /** Overrides of the default cost profile. */
  cost?: Partial<CostProfile>
}

/** Bitswap costs nothing but is slow to find content; an estimate of time to first block from connected peers. */
const DEFAULT_COST: CostProfile = { storageUsdPerGbMonth: 0, egressUsdPerGb: 0, latencyMs: 250 }

/**
 * The public IPFS network as a backend (`blocks` layout), through Helia's bitswap: `put` stores the DAG in this
 * peer's blockstore through Helia, so connected peers that want it hear about it; `get` reads local blocks first
 * and asks connected peers for the rest, each within `fetchTimeoutMs`, every block verified. A DAG no peer
 * delivers in time is `ERR_NOT_FOUND`; `status()` is unhealthy while no peer is connected.
 *
 * @example
 * ```ts
 * const ipfs = createIpfsBackend({ name: 'ipfs', local: node.blockstore, network: helia.blockstore,
 *   peerCount: () => libp2p.getConnections().length, fetchTimeoutMs: 30_000 })
 * ```
 */
export function createIpfsBackend (init: IpfsBackendInit): StorageBackend {
  const blockstore = new NetworkBlockstore({ local: init.local, network: init.network, peerCount: init.peerCount, fetchTimeoutMs: init.fetchTimeoutMs })
  const backend = createBlockstoreBackend({
    name: init.name,
    kind: 'ipfs',
    blockstore,
    cost: { ...DEFAULT_COST, ...init.cost },
    locatorPrefix: 'ipfs',
    translateError: (err, cid) => err instanceof TimeoutError
      ? new NotFoundError(`no connected peer delivered ${cid.toString()} within ${init.fetchTimeoutMs} ms`)
      : translateBlockstoreError(err, cid)
  })
  return {
    ...backend,
    async status (options: AbortOptions = {}): Promise<BackendStatus> {
      return probeStatus(async () => {
        const peers = init.peerCount()
        if (peers === 0) throw new BackendUnavailableError('no peer is connected: content can be stored here but not fetched from the network')
        return undefined
      }, options)
    }
  }
}
