import { multiaddr } from '@multiformats/multiaddr'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { connectionMetrics, peerKindOf, transportOf } from '../../node-relay/node/connection-metrics.ts'

describe('libp2p connection metrics', () => {
  it('names the transport of a connection from its remote address', () => {
    const peer = '/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
    expect(transportOf(multiaddr('/ip4/1.2.3.4/tcp/4001'))).toBe('tcp')
    expect(transportOf(multiaddr('/ip4/1.2.3.4/tcp/443/ws'))).toBe('ws')
    expect(transportOf(multiaddr('/dns4/relay.example/tcp/443/tls/ws'))).toBe('wss')
    expect(transportOf(multiaddr('/dns4/relay.example/tcp/443/wss'))).toBe('wss')
    expect(transportOf(multiaddr(`/ip4/1.2.3.4/tcp/443/ws${peer}/p2p-circuit`))).toBe('circuit')
    expect(transportOf(multiaddr(`/ip4/1.2.3.4/tcp/443/ws${peer}/p2p-circuit/webrtc`))).toBe('webrtc')
    expect(transportOf(multiaddr('/ip4/1.2.3.4/udp/4001/quic-v1'))).toBe('other')
  })

  it('exports every transport and direction, at 0 when unused, so "nobody connected" is a sum of 0', async () => {
    const registry = new Registry()
    const connections = [
      { remoteAddr: multiaddr('/ip4/1.2.3.4/tcp/443/ws'), direction: 'inbound' as const },
      { remoteAddr: multiaddr('/ip4/1.2.3.4/tcp/443/ws'), direction: 'inbound' as const },
      { remoteAddr: multiaddr('/ip4/5.6.7.8/tcp/4001'), direction: 'outbound' as const }
    ]
    connectionMetrics(registry, { connections: () => connections, peerAgents: async () => ['libp2p/3.3.11 browser/Mozilla/5.0 Chrome/156', 'libp2p/3.3.11 node/22.23.3', undefined] })
    const values = (await registry.getSingleMetric('ipfs_kit_libp2p_connections')?.get())?.values ?? []
    const count = (transport: string, direction: string): number | undefined => values.find(v => v.labels.transport === transport && v.labels.direction === direction)?.value
    expect(count('ws', 'inbound')).toBe(2)
    expect(count('tcp', 'outbound')).toBe(1)
    expect(count('webrtc', 'inbound')).toBe(0)
    expect(values).toHaveLength(16)
    const peers = (await registry.getSingleMetric('ipfs_kit_libp2p_peers')?.get())?.values ?? []
    expect(Object.fromEntries(peers.map(v => [v.labels.kind, v.value]))).toEqual({ browser: 1, node: 1, kubo: 0, other: 0, unidentified: 1 })
  })

  it('tells browsers, Node relays and Kubo apart by their identify agent version', () => {
    expect(peerKindOf('libp2p/3.3.11 browser/Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0')).toBe('browser')
    expect(peerKindOf('libp2p/3.3.11 node/22.23.3')).toBe('node')
    expect(peerKindOf('kubo/0.39.0/')).toBe('kubo')
    expect(peerKindOf('go-ipfs/0.12.0/')).toBe('kubo')
    expect(peerKindOf('rust-libp2p/0.54')).toBe('other')
    expect(peerKindOf(undefined)).toBe('unidentified')
  })
})
