import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from '@libp2p/interface'

/**
 * A started libp2p node over TCP on loopback (noise, yamux), for tests of our libp2p protocols between real nodes in
 * this process. On a fixed `port` when given, so it comes back on the same address after a restart. The caller stops it.
 */
export async function startTcpNode (port = 0): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: [`/ip4/127.0.0.1/tcp/${port}`] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false }
  })
}
