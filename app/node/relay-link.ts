import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How the browser keeps its connection to a relay. */
export interface RelayLinkInit {
  /** Deadline of one dial to a relay (default 10 s): with several relays, the longest a dead one delays failover. */
  dialTimeoutMs?: number
  /** First wait after every relay failed once; doubled after each failed round up to `maxRetryDelayMs` (default 1 s). */
  retryDelayMs?: number
  /** Longest wait between rounds (default 30 s). */
  maxRetryDelayMs?: number
}

/** What the link uses of libp2p. */
export type RelayLinkLibp2p = Pick<Libp2p, 'dial' | 'getConnections' | 'addEventListener' | 'removeEventListener' | 'peerStore'>

/** One relay the link may use. */
interface Relay {
  addr: Multiaddr
  peerId: PeerId
}

function relayOf (addr: Multiaddr): Relay {
  const id = addr.getComponents().findLast(c => c.name === 'p2p')?.value
  if (id === undefined) throw new Error(`relay address ${addr.toString()} has no /p2p/<id>`)
  return { addr, peerId: peerIdFromString(id) }
}

/**
 * Keeps this node connected to one of its relays. It dials the first relay at start; when the connected relay
 * goes away it dials the next one in the list at once (failover), going round the list; after a round in which
 * every relay failed it waits, backing off, and starts the next round. The node listens on `/p2p-circuit` (any
 * relay it is connected to), so each new relay connection gets a new reservation, and a node started while every
 * relay is down still starts: it works on its own content until one is back.
 *
 * One relay is connected at a time (a reservation and a gossipsub link each): failover costs one dial, not a
 * standing connection to every relay.
 */
export class RelayLink {
  /** The first relay's peer id (the preferred one). */
  readonly relayPeerId: PeerId
  private readonly libp2p: RelayLinkLibp2p
  private readonly relays: Relay[]
  private readonly dialTimeoutMs: number
  private readonly retryDelayMs: number
  private readonly maxRetryDelayMs: number
  private readonly controller = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Index of the relay the next dial goes to. */
  private next = 0
  /** Failed dials since the last success (a round is `relays.length` of them). */
  private failures = 0
  private dialing = false
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    const index = this.relays.findIndex(r => r.peerId.equals(event.detail))
    if (index < 0 || this.connected()) return
    // the relay we were on went away: the next one first (the one that left is likely restarting)
    this.next = (index + 1) % this.relays.length
    this.schedule(0)
  }

  /** `relays`: one WebSocket multiaddr or several, each ending in `/p2p/<id>`, in order of preference. */
  constructor (libp2p: RelayLinkLibp2p, relays: Multiaddr | Multiaddr[], init: RelayLinkInit = {}) {
    const list = (Array.isArray(relays) ? relays : [relays]).map(relayOf)
    const first = list[0]
    if (first === undefined) throw new Error('RelayLink needs at least one relay address')
    this.relays = list
    this.relayPeerId = first.peerId
    this.libp2p = libp2p
    this.dialTimeoutMs = init.dialTimeoutMs ?? 10_000
    this.retryDelayMs = init.retryDelayMs ?? 1000
    this.maxRetryDelayMs = init.maxRetryDelayMs ?? 30_000
  }

  /** Start connecting; resolves after the first round of attempts (connected or not). */
  async start (): Promise<void> {
    this.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    // keep the connection manager from pruning a relay connection
    for (const relay of this.relays) {
      await this.libp2p.peerStore.merge(relay.peerId, { multiaddrs: [relay.addr], tags: { [`${KEEP_ALIVE}-ipfs-kit-relay`]: { value: 100 } } })
        .catch(() => {})
    }
    for (let i = 0; i < this.relays.length && !this.connected() && !this.controller.signal.aborted; i++) {
      await this.connect(false)
    }
    if (!this.connected()) this.schedule(this.backoff())
  }

  stop (): void {
    this.controller.abort()
    clearTimeout(this.timer)
    this.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
  }

  /** Whether a connection to one of the relays is open. */
  connected (): boolean {
    return this.active() !== undefined
  }

  /** The address of the relay this node is connected to now, if any. */
  active (): Multiaddr | undefined {
    return this.relays.find(r => this.libp2p.getConnections(r.peerId).some(conn => conn.status === 'open'))?.addr
  }

  /** Every relay address, in order of preference. */
  addresses (): Multiaddr[] {
    return this.relays.map(r => r.addr)
  }

  private backoff (): number {
    const rounds = Math.max(1, Math.ceil(this.failures / this.relays.length))
    return Math.min(this.retryDelayMs * 2 ** (rounds - 1), this.maxRetryDelayMs)
  }

  private schedule (delayMs: number): void {
    if (this.controller.signal.aborted) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { void this.connect(true) }, delayMs)
  }

  /** Dial the next relay; when `keepGoing`, schedule the following one (at once within a round, backed off after it). */
  private async connect (keepGoing: boolean): Promise<void> {
    if (this.dialing || this.controller.signal.aborted || this.connected()) return
    this.dialing = true
    const relay = this.relays[this.next % this.relays.length] ?? this.relays[0]
    try {
      if (relay === undefined) return
      await this.libp2p.dial(relay.addr, { signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.dialTimeoutMs)]) })
      this.failures = 0
    } catch {
      this.failures++
      this.next = (this.next + 1) % this.relays.length
      if (keepGoing) this.schedule(this.failures % this.relays.length === 0 ? this.backoff() : 0)
    } finally {
      this.dialing = false
    }
  }
}
