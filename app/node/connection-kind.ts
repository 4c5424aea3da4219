import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * How bytes travel between this node and a peer:
 * - `webrtc`: a direct browser-to-browser WebRTC data channel connection (the relay only carried the SDP handshake);
 * - `relayed`: through a circuit relay (limited in time and bytes by the relay);
 * - `websocket`: a WebSocket to a server (the relay);
 * - `other`: any other transport.
 */
export type TransportKind = 'webrtc' | 'relayed' | 'websocket' | 'other'

/** One open connection, as the browser node reports it. */
export interface ConnectionInfo {
  /** libp2p's connection id. */
  id: string
  peerId: string
  /** The remote multiaddr (for WebRTC it names the relay the handshake went through). */
  addr: string
  kind: TransportKind
  direction: 'inbound' | 'outbound'
  /** True when the connection has relay limits (duration or bytes). */
  limited: boolean
  /** Protocols of the streams open on it right now. */
  protocols: string[]
}

function hasProtocol (addr: Multiaddr, name: string): boolean {
  return addr.getComponents().some(component => component.name === name)
}

/** Classify a multiaddr by the transport it names (checked in order: webrtc, circuit, websocket). */
export function transportKindOf (addr: Multiaddr): TransportKind {
  if (hasProtocol(addr, 'webrtc')) return 'webrtc'
  if (hasProtocol(addr, 'p2p-circuit')) return 'relayed'
  if (hasProtocol(addr, 'ws') || hasProtocol(addr, 'wss') || hasProtocol(addr, 'tls')) return 'websocket'
  return 'other'
}

/** Describe a libp2p connection. A limited connection is `relayed` whatever its address says. */
export function describeConnection (conn: Connection): ConnectionInfo {
  const limited = conn.limits !== undefined
  const kind = transportKindOf(conn.remoteAddr)
  return {
    id: conn.id,
    peerId: conn.remotePeer.toString(),
    addr: conn.remoteAddr.toString(),
    kind: limited && kind === 'webrtc' ? 'relayed' : kind,
    direction: conn.direction,
    limited,
    protocols: conn.streams.map(stream => stream.protocol).filter(p => p !== '')
  }
}

/** True for a direct (not limited) WebRTC connection. */
export function isDirectWebRTC (conn: Connection): boolean {
  return conn.limits === undefined && transportKindOf(conn.remoteAddr) === 'webrtc'
}
