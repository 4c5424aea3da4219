import { Gauge } from 'prom-client'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Registry } from 'prom-client'

/** The transports a libp2p connection is counted under. */
export const CONNECTION_TRANSPORTS = ['webrtc', 'webrtc-direct', 'webtransport', 'circuit', 'wss', 'ws', 'tcp', 'other'] as const

/** One of {@link CONNECTION_TRANSPORTS}. */
export type ConnectionTransport = typeof CONNECTION_TRANSPORTS[number]

/** What the metrics need to know of one open libp2p connection. */
export interface ConnectionInfo {
  remoteAddr: Multiaddr
  direction: 'inbound' | 'outbound'
}

/**
 * The transport a connection runs over, from its remote address: WebRTC (whose address names the circuit its
 * signalling used), a relayed connection (`/p2p-circuit`) whatever carries it, `/ws` under `/tls` (or `/wss`) is `wss`.
 */
export function transportOf (addr: Multiaddr): ConnectionTransport {
  const names = new Set(addr.getComponents().map(c => c.name))
  // a browser-to-browser WebRTC address goes through a relay's circuit (for signalling) but the bytes do not
  if (names.has('webrtc')) return 'webrtc'
  if (names.has('webrtc-direct')) return 'webrtc-direct'
  if (names.has('webtransport')) return 'webtransport'
  if (names.has('p2p-circuit')) return 'circuit'
  if (names.has('wss') || (names.has('ws') && names.has('tls'))) return 'wss'
  if (names.has('ws')) return 'ws'
  if (names.has('tcp')) return 'tcp'
  return 'other'
}

/** The kinds of peer `ipfs_kit_libp2p_peers` counts, from the agent version identify learnt. */
export const PEER_KINDS = ['browser', 'node', 'kubo', 'other', 'unidentified'] as const

/** One of {@link PEER_KINDS}. */
export type PeerKind = typeof PEER_KINDS[number]

/**
 * The kind of peer an identify agent version names: js-libp2p in a browser (`… browser/<navigator.userAgent>`), in
 * Node (`… node/22…`, the relays), Kubo (`kubo/…`, `go-ipfs/…`), anything else; `unidentified` before identify ran.
 */
export function peerKindOf (agentVersion: string | undefined): PeerKind {
  if (agentVersion === undefined || agentVersion === '') return 'unidentified'
  if (agentVersion.includes(' browser/')) return 'browser'
  if (/^(kubo|go-ipfs)\//.test(agentVersion)) return 'kubo'
  if (agentVersion.includes(' node/')) return 'node'
  return 'other'
}

/**
 * `ipfs_kit_libp2p_connections{transport, direction}` (open connections) and `ipfs_kit_libp2p_peers{kind}` (distinct
 * connected peers by {@link peerKindOf}), read when scraped. Every label value is exported, at 0 when unused, so
 * `sum(ipfs_kit_libp2p_connections) == 0` holds when nobody is connected (a vanished series would not).
 */
export function connectionMetrics (registry: Registry, probes: { connections: () => ConnectionInfo[], peerAgents: () => Promise<Array<string | undefined>> }): void {
  new Gauge({
    name: 'ipfs_kit_libp2p_connections',
    help: 'Open libp2p connections by transport and direction',
    labelNames: ['transport', 'direction'] as const,
    registers: [registry],
    collect () {
      const counts = new Map<string, number>()
      for (const transport of CONNECTION_TRANSPORTS) {
        for (const direction of ['inbound', 'outbound']) counts.set(`${transport} ${direction}`, 0)
      }
      for (const connection of probes.connections()) {
        const key = `${transportOf(connection.remoteAddr)} ${connection.direction}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
      for (const [key, n] of counts) {
        const [transport = 'other', direction = 'inbound'] = key.split(' ')
        this.set({ transport, direction }, n)
      }
    }
  })
  new Gauge({
    name: 'ipfs_kit_libp2p_peers',
    help: 'Distinct peers with an open libp2p connection, by kind (browser, node, kubo, other, unidentified)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect () {
      const counts = new Map<string, number>(PEER_KINDS.map(kind => [kind, 0]))
      for (const agent of await probes.peerAgents()) {
        const kind = peerKindOf(agent)
        counts.set(kind, (counts.get(kind) ?? 0) + 1)
      }
      for (const [kind, n] of counts) this.set({ kind }, n)
    }
  })
}
