import { isDirectWebRTC, transportKindOf } from './connection-kind.ts'
import type { DiscoveredPeer } from './mesh-discovery.ts'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How the mesh dialer tries to reach discovered peers. */
export interface MeshDialerInit {
  /** Try `/p2p-circuit/webrtc` addresses first (default true). Without it only relayed connections are made. */
  webRTC?: boolean
  /** Deadline of one dial (default 10 s: a WebRTC dial on loopback can hang until libp2p's 30 s timeout). */
  dialTimeoutMs?: number
  /** WebRTC dials per round before falling back to a relayed connection (default 3). */
  attempts?: number
  /** Wait after a failed round before the next (default 2 s, doubled each failed round up to 30 s). */
  retryDelayMs?: number
  /**
   * Of two peers that discover each other, the one with the greater peer id waits this long before dialing, so
   * both do not dial at once and end up with two connections (default 4 s).
   */
  graceMs?: number
  /** Forget a peer not announced for this long (default 30 s). */
  peerTtlMs?: number
}

/** What the dialer uses of libp2p. */
export type MeshDialerLibp2p = Pick<Libp2p, 'peerId' | 'dial' | 'getConnections' | 'addEventListener' | 'removeEventListener'>

interface KnownPeer {
  peerId: PeerId
  addresses: Multiaddr[]
  lastSeen: number
  /** Set while a dial round runs. */
  dialing: boolean
  /** No new round before this time. */
  notBefore: number
  failedRounds: number
}

const MAX_RETRY_DELAY_MS = 30_000

function isWebRTCAddress (addr: Multiaddr): boolean {
  return transportKindOf(addr) === 'webrtc'
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Keeps this browser connected to every browser peer discovery reports: it dials `/p2p-circuit/webrtc` addresses
 * (the relay carries only the SDP handshake) with a deadline per dial and a few retries, falls back to a plain relayed
 * connection when WebRTC fails, keeps upgrading a relayed peer to WebRTC in the background, closes relayed
 * connections once a direct one exists (so bitswap traffic cannot take the relay), and redials a peer whose direct
 * connection closed while it is still announcing itself.
 */
export class MeshDialer {
  private readonly libp2p: MeshDialerLibp2p
  private readonly webRTC: boolean
  private readonly dialTimeoutMs: number
  private readonly attempts: number
  private readonly retryDelayMs: number
  private readonly graceMs: number
  private readonly peerTtlMs: number
  private readonly peers = new Map<string, KnownPeer>()
  private readonly controller = new AbortController()
  private readonly onOpen = (event: CustomEvent<Connection>): void => { this.connectionOpened(event.detail) }
  private readonly onClose = (event: CustomEvent<Connection>): void => { this.connectionClosed(event.detail) }

  constructor (libp2p: MeshDialerLibp2p, init: MeshDialerInit = {}) {
    this.libp2p = libp2p
    this.webRTC = init.webRTC ?? true
    this.dialTimeoutMs = init.dialTimeoutMs ?? 10_000
    this.attempts = init.attempts ?? 3
    this.retryDelayMs = init.retryDelayMs ?? 2000
    this.graceMs = init.graceMs ?? 4000
    this.peerTtlMs = init.peerTtlMs ?? 30_000
  }

  start (): void {
    this.libp2p.addEventListener('connection:open', this.onOpen)
    this.libp2p.addEventListener('connection:close', this.onClose)
  }

  stop (): void {
    this.controller.abort()
    this.libp2p.removeEventListener('connection:open', this.onOpen)
    this.libp2p.removeEventListener('connection:close', this.onClose)
  }

  /** Peer ids currently announcing themselves (seen within the TTL). */
  knownPeers (): string[] {
    const now = Date.now()
    return [...this.peers.values()].filter(p => now - p.lastSeen < this.peerTtlMs).map(p => p.peerId.toString())
  }

  /** Feed an announcement from discovery: remember the addresses and make sure the peer is (being) connected. */
  discovered (peer: DiscoveredPeer): void {
    if (this.controller.signal.aborted || peer.peerId.equals(this.libp2p.peerId)) return
    const key = peer.peerId.toString()
    const known = this.peers.get(key) ?? { peerId: peer.peerId, addresses: [], lastSeen: 0, dialing: false, notBefore: 0, failedRounds: 0 }
    known.addresses = peer.addresses
    known.lastSeen = Date.now()
    this.peers.set(key, known)
    this.ensureConnected(known)
  }

  private connections (peerId: PeerId): Connection[] {
    return this.libp2p.getConnections(peerId).filter(conn => conn.status === 'open')
  }

  /** Whether this peer needs no dial: a direct WebRTC connection, or (WebRTC off) any connection. */
  private satisfied (peer: KnownPeer): boolean {
    const conns = this.connections(peer.peerId)
    return this.webRTC ? conns.some(isDirectWebRTC) : conns.length > 0
  }

  private ensureConnected (peer: KnownPeer): void {
    if (peer.dialing || this.satisfied(peer) || Date.now() < peer.notBefore) return
    peer.dialing = true
    void this.dialRound(peer).finally(() => { peer.dialing = false })
  }

  private async dialRound (peer: KnownPeer): Promise<void> {
    const signal = this.controller.signal
    const firstContact = peer.failedRounds === 0 && this.connections(peer.peerId).length === 0
    if (firstContact && this.libp2p.peerId.toString() > peer.peerId.toString()) {
      // let the other side dial first; it usually has by the time this wakes up
      await sleep(this.graceMs, signal)
      if (signal.aborted || this.satisfied(peer)) return
    }
    const webrtcAddrs = this.webRTC ? peer.addresses.filter(isWebRTCAddress) : []
    const relayedAddrs = peer.addresses.filter(addr => !isWebRTCAddress(addr))
    for (let attempt = 0; attempt < this.attempts && webrtcAddrs.length > 0; attempt++) {
      if (await this.tryDial(webrtcAddrs, signal)) {
        peer.failedRounds = 0
        return
      }
      if (signal.aborted || this.satisfied(peer)) return
    }
    peer.failedRounds++
    peer.notBefore = Date.now() + Math.min(this.retryDelayMs * 2 ** (peer.failedRounds - 1), MAX_RETRY_DELAY_MS)
    // WebRTC failed (or is off): make sure there is at least a relayed connection, then try WebRTC again later
    if (this.connections(peer.peerId).length === 0 && relayedAddrs.length > 0) {
      for (let attempt = 0; attempt < this.attempts; attempt++) {
        if (await this.tryDial(relayedAddrs, signal)) return
        if (signal.aborted) return
      }
    }
  }

  private async tryDial (addrs: Multiaddr[], signal: AbortSignal): Promise<boolean> {
    for (const addr of addrs) {
      if (signal.aborted) return false
      try {
        await this.libp2p.dial(addr, { signal: AbortSignal.any([signal, AbortSignal.timeout(this.dialTimeoutMs)]) })
        return true
      } catch {
        // timed out or refused: the next address, attempt or round
      }
    }
    return false
  }

  private connectionOpened (conn: Connection): void {
    if (!isDirectWebRTC(conn)) return
    // a direct connection exists: relayed ones to the same peer only risk carrying traffic through the relay.
    // Closed a moment later, so the WebRTC handshake that may still be finishing on one of them is not cut.
    setTimeout(() => {
      if (conn.status !== 'open') return
      for (const other of this.connections(conn.remotePeer)) {
        if (other.limits !== undefined) void other.close().catch(() => {})
      }
    }, 1000)
  }

  private connectionClosed (conn: Connection): void {
    if (this.controller.signal.aborted) return
    const peer = this.peers.get(conn.remotePeer.toString())
    if (peer === undefined) return
    if (Date.now() - peer.lastSeen >= this.peerTtlMs) {
      this.peers.delete(conn.remotePeer.toString())
      return
    }
    peer.notBefore = 0
    this.ensureConnected(peer)
  }
}
