/**
 * @packageDocumentation
 *
 * How the relay joins the public IPFS network (unless `network.offline`): Kubo's bootstrap peers as peer discovery,
 * the Amino DHT in client mode (finds providers, and provides what the relay pins, re-providing on an interval), and
 * delegated routing over the Routing V1 HTTP API. All of them are libp2p services, so Helia's routing (and bitswap's
 * provider search) uses them through libp2p's content and peer routing.
 */
import { bootstrap } from '@libp2p/bootstrap'
import { kadDHT, removePrivateAddressesMapper, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { delegatedRoutingV1HttpApiClientContentRouting, delegatedRoutingV1HttpApiClientPeerRouting } from '@helia/delegated-routing-v1-http-api-client'
import type { RelayConfig } from '../config/schema.ts'
import type { PeerDiscovery } from '@libp2p/interface'

/** libp2p services and peer discovery for the public network; nothing when offline. */
export function publicNetworkServices (config: RelayConfig): { services: Record<string, unknown>, peerDiscovery: Array<(components: never) => PeerDiscovery> } {
  const network = config.network
  if (network.offline) return { services: {}, peerDiscovery: [] }
  const services: Record<string, unknown> = {}
  if (network.dht === 'client') {
    services.aminoDHT = kadDHT({
      protocol: '/ipfs/kad/1.0.0',
      clientMode: true,
      peerInfoMapper: removePrivateAddressesMapper,
      reprovide: { interval: network.reprovideIntervalMs }
    })
  } else if (network.dht === 'lan') {
    // a DHT of its own among private addresses (a LAN, a VPN, a data centre): every relay serves it
    services.lanDHT = kadDHT({
      protocol: '/ipfs/lan/kad/1.0.0',
      clientMode: false,
      peerInfoMapper: removePublicAddressesMapper,
      reprovide: { interval: network.reprovideIntervalMs }
    })
  }
  network.delegatedRouters.forEach((url, i) => {
    // libp2p asks services that are content or peer routers: one of each per endpoint
    services[`delegatedContentRouting${i}`] = delegatedRoutingV1HttpApiClientContentRouting({ url, timeout: 30_000 })
    services[`delegatedPeerRouting${i}`] = delegatedRoutingV1HttpApiClientPeerRouting({ url, timeout: 30_000 })
  })
  const peerDiscovery = network.publicBootstrap.length > 0 ? [bootstrap({ list: network.publicBootstrap }) as (components: never) => PeerDiscovery] : []
  return { services, peerDiscovery }
}
