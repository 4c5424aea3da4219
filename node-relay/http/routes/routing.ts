/**
 * @packageDocumentation
 *
 * The Routing V1 HTTP API (https://specs.ipfs.tech/routing/http-routing-v1/), read side, as Kubo serves it: browsers
 * and other nodes use the relay as their delegated router. Providers of a CID are the relay itself when it holds the
 * block, then whoever the relay's own routing finds (peers, the DHT, its delegated routers, unless offline); a peer's
 * addresses come from the relay's peer store. Public, like the gateway, and readable from any origin.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { abortSignalOf } from '../abort.ts'
import type { HttpContext } from '../context.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Multiaddr } from '@multiformats/multiaddr'

/** One record as the spec's "peer" schema has it. */
interface PeerRecord { Schema: 'peer', ID: string, Addrs: string[], Protocols: string[] }

/** How long a providers query may search beyond the relay's own store. */
const FIND_TIMEOUT_MS = 5_000
/** Records one answer lists at most (the spec's recommended limit for a non-streaming answer). */
const MAX_RECORDS = 100

function addrs (multiaddrs: Multiaddr[]): string[] {
  // without the /p2p/<id> suffix: the record names the peer itself
  return [...new Set(multiaddrs.map(ma => ma.toString().replace(/\/p2p\/[^/]+$/, '')))]
}

function cidOf (text: string): CID {
  try {
    return CID.parse(text)
  } catch (err) {
    throw new InvalidInputError(`not a CID: ${text}`, { cause: err })
  }
}

/** Answer JSON (`{ Providers: [...] }`) or, when asked for it, NDJSON one record per line; 404 when there is none. */
async function send (request: FastifyRequest, reply: FastifyReply, key: 'Providers' | 'Peers', records: PeerRecord[]): Promise<FastifyReply> {
  void reply.header('access-control-allow-origin', '*').header('cache-control', records.length > 0 ? 'public, max-age=300' : 'public, max-age=15').header('vary', 'accept')
  const status = records.length > 0 ? 200 : 404
  if ((request.headers.accept ?? '').includes('application/x-ndjson')) {
    return reply.status(status).type('application/x-ndjson').send(records.map(r => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : ''))
  }
  return reply.status(status).type('application/json').send(JSON.stringify({ [key]: records }))
}

/** `GET /routing/v1/providers/{cid}` and `GET /routing/v1/peers/{peer-id}`. */
export function routingRoutes (app: FastifyInstance, ctx: HttpContext): void {
  const node = ctx.node
  if (node === undefined) return
  const hide = { hide: true } // a spec of its own, not part of /api/v1's OpenAPI document

  app.get<{ Params: { cid: string } }>('/routing/v1/providers/:cid', { schema: hide }, async (request, reply) => {
    const cid = cidOf(request.params.cid)
    const self = node.libp2p.peerId.toString()
    const records: PeerRecord[] = []
    if (await node.blockstore.has(cid)) records.push({ Schema: 'peer', ID: self, Addrs: addrs(node.libp2p.getMultiaddrs()), Protocols: ['transport-bitswap'] })
    const signal = AbortSignal.any([AbortSignal.timeout(FIND_TIMEOUT_MS), abortSignalOf(request, reply)])
    try {
      for await (const provider of node.helia.routing.findProviders(cid, { signal })) {
        const id = provider.id.toString()
        if (id === self || records.some(r => r.ID === id)) continue
        records.push({ Schema: 'peer', ID: id, Addrs: addrs(provider.multiaddrs), Protocols: ['transport-bitswap'] })
        if (records.length >= MAX_RECORDS) break
      }
    } catch {
      // no router configured (offline), or the search timed out: answer with what was found
    }
    return await send(request, reply, 'Providers', records)
  })

  app.get<{ Params: { peerId: string } }>('/routing/v1/peers/:peerId', { schema: hide }, async (request, reply) => {
    let peerId
    try {
      peerId = peerIdFromString(request.params.peerId)
    } catch (err) {
      throw new InvalidInputError(`not a peer id: ${request.params.peerId}`, { cause: err })
    }
    if (peerId.equals(node.libp2p.peerId)) {
      return await send(request, reply, 'Peers', [{ Schema: 'peer', ID: peerId.toString(), Addrs: addrs(node.libp2p.getMultiaddrs()), Protocols: node.libp2p.getProtocols() }])
    }
    const known = await node.libp2p.peerStore.get(peerId).catch(() => undefined)
    const records: PeerRecord[] = known === undefined || known.addresses.length === 0
      ? []
      : [{ Schema: 'peer', ID: peerId.toString(), Addrs: addrs(known.addresses.map(a => a.multiaddr)), Protocols: known.protocols }]
    return await send(request, reply, 'Peers', records)
  })
}
