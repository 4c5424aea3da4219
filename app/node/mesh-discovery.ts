import { MESH_DISCOVERY_TOPIC } from '../../core/events/topics.ts'
import { multiaddr } from '@multiformats/multiaddr'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The gossipsub topic browser nodes announce themselves on. The relay must subscribe to it too, or gossipsub will
 * not forward the announcements between browsers (a gossipsub router only forwards topics it is in the mesh of).
 */
export { MESH_DISCOVERY_TOPIC }

/** Options for {@link MeshDiscovery}. */
export interface MeshDiscoveryInit {
  /** Topic to announce on (default {@link MESH_DISCOVERY_TOPIC}). */
  topic?: string
  /** How often to announce (default 3 s). */
  intervalMs?: number
}

/** What discovery needs from the node. */
export interface MeshDiscoveryComponents {
  peerId: PeerId
  pubsub: Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'publish' | 'addEventListener' | 'removeEventListener'>
  /** The addresses other browsers can dial this node on (its circuit and WebRTC addresses). */
  getAddresses: () => Multiaddr[]
  /** Called for every announcement from another peer. */
  onPeer: (peer: DiscoveredPeer) => void
}

/** A peer heard on the discovery topic. */
export interface DiscoveredPeer {
  peerId: PeerId
  /** Its circuit (`…/p2p-circuit/p2p/<id>`) and WebRTC (`…/p2p-circuit/webrtc/p2p/<id>`) addresses. */
  addresses: Multiaddr[]
}

interface Announcement {
  v: 1
  addrs: string[]
}

function parseAnnouncement (data: Uint8Array): Announcement | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(data))
    if (typeof value !== 'object' || value === null) return undefined
    const { v, addrs } = value as Record<string, unknown>
    if (v !== 1 || !Array.isArray(addrs) || !addrs.every(a => typeof a === 'string')) return undefined
    return { v, addrs }
  } catch {
    return undefined
  }
}

/**
 * Browser peers find each other on a gossipsub topic: every few seconds each node publishes the circuit and WebRTC
 * addresses it is reachable on. Messages are signed by gossipsub (StrictSign), so `from` is authenticated; an
 * address is accepted only if it ends in that same peer id.
 *
 * (`@libp2p/pubsub-peer-discovery` 12 would do the same, but it brings its own copy of multiformats 13.)
 */
export class MeshDiscovery {
  private readonly components: MeshDiscoveryComponents
  private readonly topic: string
  private readonly intervalMs: number
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly onMessage = (event: CustomEvent<Message>): void => { this.handle(event.detail) }

  constructor (components: MeshDiscoveryComponents, init: MeshDiscoveryInit = {}) {
    this.components = components
    this.topic = init.topic ?? MESH_DISCOVERY_TOPIC
    this.intervalMs = init.intervalMs ?? 3000
  }

  start (): void {
    if (this.timer !== undefined) return
    this.components.pubsub.subscribe(this.topic)
    this.components.pubsub.addEventListener('message', this.onMessage)
    this.timer = setInterval(() => { void this.announce() }, this.intervalMs)
    void this.announce()
  }

  stop (): void {
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = undefined
    this.components.pubsub.removeEventListener('message', this.onMessage)
    this.components.pubsub.unsubscribe(this.topic)
  }

  /** Publish this node's addresses now (also done every `intervalMs`). Failures are ignored: the next tick retries. */
  async announce (): Promise<void> {
    const addrs = this.components.getAddresses().map(String)
    if (addrs.length === 0) return
    const data = new TextEncoder().encode(JSON.stringify({ v: 1, addrs } satisfies Announcement))
    try {
      await this.components.pubsub.publish(this.topic, data)
    } catch {
      // no subscribed peer yet (or stopping): the next tick tries again
    }
  }

  private handle (message: Message): void {
    if (message.topic !== this.topic || message.type !== 'signed') return
    const from = message.from
    if (from.equals(this.components.peerId)) return
    const announcement = parseAnnouncement(message.data)
    if (announcement === undefined) return
    const addresses: Multiaddr[] = []
    for (const text of announcement.addrs) {
      try {
        const addr = multiaddr(text)
        if (addr.getComponents().at(-1)?.value === from.toString()) addresses.push(addr)
      } catch {
        // not a multiaddr: skip it
      }
    }
    if (addresses.length > 0) this.components.onPeer({ peerId: from, addresses })
  }
}
