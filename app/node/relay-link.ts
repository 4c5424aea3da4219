import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How the browser keeps its connection to the relay. */
export interface RelayLinkInit {
  /** Deadline of one dial to the relay (default 10 s). */
  dialTimeoutMs?: number
  /** First wait after a failed dial; doubled after each failure up to `maxRetryDelayMs` (default 1 s). */
  retryDelayMs?: number
  /** Longest wait between dials (default 30 s). */
  maxRetryDelayMs?: number
}

/** What the link uses of libp2p. */
export type RelayLinkLibp2p = Pick<Libp2p, 'dial' | 'getConnections' | 'addEventListener' | 'removeEventListener' | 'peerStore'>

/**
 * Keeps this node connected to its relay: dials it at start and again whenever the connection drops, backing off
 * while it is unreachable. The node listens on `/p2p-circuit` (any relay it is connected to), so each new connection
 * gets a new reservation, and a node started while the relay is down still starts: it works on its own content
 * until the relay is back.
 */
export class RelayLink {
  readonly relayPeerId: PeerId
  private readonly libp2p: RelayLinkLibp2p
  private readonly relay: Multiaddr
  private readonly dialTimeoutMs: number
  private readonly retryDelayMs: number
  private readonly maxRetryDelayMs: number
  private readonly controller = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  private failures = 0
  private dialing = false
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    if (event.detail.equals(this.relayPeerId)) this.schedule(0)
  }

  constructor (libp2p: RelayLinkLibp2p, relay: Multiaddr, init: RelayLinkInit = {}) {
    const id = relay.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id === undefined) throw new Error(`relay address ${relay.toString()} has no /p2p/<id>`)
    this.relayPeerId = peerIdFromString(id)
    this.libp2p = libp2p
    this.relay = relay
    this.dialTimeoutMs = init.dialTimeoutMs ?? 10_000
    this.retryDelayMs = init.retryDelayMs ?? 1000
    this.maxRetryDelayMs = init.maxRetryDelayMs ?? 30_000
  }

  /** Start connecting; resolves after the first attempt (connected or not). */
  async start (): Promise<void> {
    this.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    // keep the connection manager from pruning the relay connection
    await this.libp2p.peerStore.merge(this.relayPeerId, { multiaddrs: [this.relay], tags: { [`${KEEP_ALIVE}-ipfs-kit-relay`]: { value: 100 } } })
      .catch(() => {})
    await this.connect()
  }

  stop (): void {
    this.controller.abort()
    clearTimeout(this.timer)
    this.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
  }

  /** Whether a connection to the relay is open. */
  connected (): boolean {
    return this.libp2p.getConnections(this.relayPeerId).some(conn => conn.status === 'open')
  }

  private schedule (delayMs: number): void {
    if (this.controller.signal.aborted) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { void this.connect() }, delayMs)
  }

  private async connect (): Promise<void> {
    if (this.dialing || this.controller.signal.aborted || this.connected()) return
    this.dialing = true
    try {
      await this.libp2p.dial(this.relay, { signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.dialTimeoutMs)]) })
      this.failures = 0
    } catch {
      this.failures++
      this.schedule(Math.min(this.retryDelayMs * 2 ** (this.failures - 1), this.maxRetryDelayMs))
    } finally {
      this.dialing = false
    }
  }
}
