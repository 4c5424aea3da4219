import { multiaddr } from '@multiformats/multiaddr'
import { InvalidInputError, NotFoundError } from '../../core/errors/index.ts'
import { transportKindOf } from './connection-kind.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Where the relay is: its WebSocket multiaddr (with `/p2p/<id>`), or the base URL of its HTTP API. */
export type RelayLocation = { relayMultiaddr: string | Multiaddr } | { relayUrl: string }

/**
 * Where the relays are: one relay ({@link RelayLocation}), or several WebSocket multiaddrs (each with `/p2p/<id>`)
 * in order of preference, for failover.
 */
export type RelaysLocation = RelayLocation | { relays: Array<string | Multiaddr> }

/** A WebSocket multiaddr that ends in `/p2p/<id>` (the circuit listener needs the relay's peer id). */
function checkRelayAddr (addr: Multiaddr): Multiaddr {
  const last = addr.getComponents().at(-1)
  if (last?.name !== 'p2p') throw new InvalidInputError(`relay address ${addr.toString()} must end in /p2p/<peer id>`)
  if (transportKindOf(addr) !== 'websocket') throw new InvalidInputError(`relay address ${addr.toString()} is not a WebSocket address (browsers can only dial /ws or /wss)`)
  return addr
}

/** Whether a WebSocket multiaddr is encrypted (`/tls/ws` or `/wss`). */
export function isSecureWebSocket (addr: Multiaddr): boolean {
  return addr.getComponents().some(c => c.name === 'tls' || c.name === 'wss')
}

/**
 * Find the relay's WebSocket multiaddr: the one given, or the first `/ws`/`/wss` address `GET {relayUrl}/api/v1/id`
 * reports (same origin as the app, or a relay that allows this origin).
 */
export async function resolveRelayAddress (location: RelayLocation, options?: AbortOptions): Promise<Multiaddr> {
  options?.signal?.throwIfAborted()
  if ('relayMultiaddr' in location) {
    const addr = typeof location.relayMultiaddr === 'string' ? multiaddr(location.relayMultiaddr) : location.relayMultiaddr
    return checkRelayAddr(addr)
  }
  const res = await fetch(new URL('/api/v1/id', location.relayUrl), { signal: options?.signal })
  if (!res.ok) throw new NotFoundError(`relay at ${location.relayUrl} answered ${res.status} to /api/v1/id`)
  const body = await res.json() as { peerId?: unknown, addresses?: unknown }
  const addresses = Array.isArray(body.addresses) ? body.addresses.filter((a): a is string => typeof a === 'string') : []
  // a page or relay on https can only use a secure WebSocket (`/tls/ws`, `/wss`): mixed content is blocked
  const secureOnly = new URL(location.relayUrl).protocol === 'https:' || globalThis.location?.protocol === 'https:'
  for (const text of addresses) {
    const addr = multiaddr(text)
    if (transportKindOf(addr) !== 'websocket' || addr.getComponents().at(-1)?.name !== 'p2p') continue
    if (secureOnly && !isSecureWebSocket(addr)) continue
    return addr
  }
  throw new NotFoundError(`relay at ${location.relayUrl} reports no ${secureOnly ? 'secure (/tls/ws or /wss) ' : ''}WebSocket address`)
}

/**
 * Every relay address of a location, checked: the `relays` list as given, or the one relay
 * {@link resolveRelayAddress} finds.
 */
export async function resolveRelayAddresses (location: RelaysLocation, options?: AbortOptions): Promise<Multiaddr[]> {
  if (!('relays' in location)) return [await resolveRelayAddress(location, options)]
  if (location.relays.length === 0) throw new InvalidInputError('relays must name at least one relay address')
  return location.relays.map(a => checkRelayAddr(typeof a === 'string' ? multiaddr(a) : a))
}
