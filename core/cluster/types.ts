/**
 * The cluster's data model: what the replicated state holds (pins, peer metrics, per-peer pin states, marks) and
 * the options of its operations. Everything here is plain JSON so it round-trips through the Yjs document.
 */

/** Where a peer runs: relays are always-on and preferred for durability. */
export type PeerKind = 'browser' | 'relay'

/**
 * The life of one pin on one peer, as IPFS Cluster names it. `remote` means "in the pinset, allocated to other
 * peers"; `unpinned` is the end state after a removal.
 */
export type PinState = 'queued' | 'pinning' | 'pinned' | 'error' | 'unpin_queued' | 'unpinning' | 'unpinned' | 'remote'

/** Every {@link PinState}, in life order. */
export const PIN_STATES: readonly PinState[] = ['queued', 'pinning', 'pinned', 'error', 'unpin_queued', 'unpinning', 'unpinned', 'remote']

/** A metadata value on a pin. */
export type MetadataValue = string | number | boolean

/** One entry of the replicated pinset. */
export interface ClusterPin {
  /** The pinned root, as a string CID. */
  cid: string
  name: string
  /** Fewest copies that must be held; repair re-allocates until this holds. */
  replicationMin: number
  /** Most copies to make (`-1` = every peer). */
  replicationMax: number
  /** Peer ids that must hold the DAG. */
  allocations: string[]
  tags: string[]
  /** Epoch ms after which the pin is removed; absent = never. */
  expireAt?: number
  metadata: Record<string, MetadataValue>
  /** Epoch ms when the pin was written. */
  addedAt: number
  /** Peer id that wrote the pin. */
  addedBy: string
  /** Epoch ms of the last `recover`: trackers retry a pin in `error` that failed before this. */
  recoverAt?: number
}

/** Options of {@link Cluster.pin}. */
export interface ClusterPinOptions {
  name?: string
  replicationMin?: number
  replicationMax?: number
  /** Peers that must hold it; the allocator fills up the rest. */
  allocations?: string[]
  tags?: string[]
  /** Epoch ms after which the pin expires. */
  expireAt?: number
  metadata?: Record<string, MetadataValue>
}

/** What every peer publishes about itself (refreshed every heartbeat). */
export interface PeerMetrics {
  peerId: string
  kind: PeerKind
  /** Bytes this peer can still store. */
  freeSpace: number
  /** Bytes of cluster pins this peer holds. */
  pinnedBytes: number
  tags: string[]
  /** Epoch ms on the peer's clock when it last published (liveness uses the local receive time instead). */
  lastSeen: number
  /** Addresses other cluster peers can dial. */
  addrs: string[]
}

/** One peer's state for one pin, as that peer reports it. */
export interface PeerPinStatus {
  state: PinState
  /** Why it is in `error` (a stable code and message). */
  error?: string
  /** Epoch ms of the last change. */
  at: number
}

/** A peer that failed a holding check: allocators avoid it until the mark expires. */
export interface PeerMark {
  cid: string
  reason: string
  /** Peer id that found the failure. */
  by: string
  at: number
}

/** The replication health of one pin. */
export type PinHealth = 'ok' | 'under_replicated' | 'error' | 'pending'

/** Status of one CID across all peers. */
export interface CidStatus {
  cid: string
  name: string
  /** Absent when the CID is not in the pinset (then `peers` shows what is left of an unpin). */
  pin?: ClusterPin
  /** State per peer: allocated peers report their own, everyone else is `remote`. */
  peers: Record<string, PeerPinStatus>
  health: PinHealth
  /** Allocated peers that report `pinned`. */
  pinnedCount: number
}

/** A cluster peer as listed by {@link Cluster.peers}. */
export interface ClusterPeerInfo extends PeerMetrics {
  self: boolean
  /** Heard from within the peer timeout. */
  live: boolean
  /** Milliseconds since this node last heard from it. */
  silentMs: number
  mark?: PeerMark
}
