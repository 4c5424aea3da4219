import type { CID } from 'multiformats/cid'

/** A pin as the API shows it. */
export interface PinInfo {
  cid: CID
  /** Human name given at pin time (empty when none). */
  name: string
  /** Extra string/number/boolean metadata. */
  metadata: Record<string, string | number | boolean>
  /** Infinity for recursive pins, 0 for direct. */
  depth: number
}

/** A peer this node is connected to. */
export interface PeerInfo {
  peerId: string
  addr: string
  direction: 'inbound' | 'outbound'
  /** True when the connection goes through a circuit relay. */
  limited: boolean
}

/** Who this node is. */
export interface NodeIdentity {
  peerId: string
  addresses: string[]
  agentVersion: string
  protocols: string[]
}

/** Facts about one block. */
export interface BlockStat {
  cid: CID
  size: number
}
