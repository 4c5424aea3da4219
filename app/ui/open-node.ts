import { createBrowserNode, resolveRelayAddress } from '../node/index.ts'
import type { BrowserNode } from '../node/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { DecryptOptions } from '../../core/crypto/index.ts'

/** Options for {@link openNode}. */
export interface OpenNodeInit extends AbortOptions {
  /**
   * Base URLs of the relays' HTTP APIs (each one's `/api/v1/id` names its WebSocket address), the preferred first.
   * Several relays of one cluster let the node fail over when the one it is on stops.
   */
  relayUrls: string[]
  /** IndexedDB prefix (default `ipfs-kit`). */
  name?: string
  /** Keep blocks in a storage worker (the app does; the web component keeps them on the main thread). */
  storageWorker?: () => Worker
  /** Keep a search index in a search worker (the app does). */
  searchWorker?: () => Worker
  /** Hash added files' leaves in hashing workers (the app does). */
  hashWorker?: () => Worker
  /** Keys that open this browser's encrypted files, for its search index. */
  decryptKeys?: () => Promise<DecryptOptions | undefined>
  /** Deadline of one dial to a relay (default 5 s): with several relays, the longest a dead one delays failover. */
  relayDialTimeoutMs?: number
}

/** A node opened by {@link openNode}: a {@link BrowserNode} that also knows its relays' HTTP origins. */
export interface OpenedNode extends BrowserNode {
  /** The HTTP API of the relay the node is connected through now (the first relay's while none is). */
  liveRelayUrl: () => string
}

const cacheKey = (relayUrl: string): string => `ipfs-kit:relay-addr:${relayUrl}`

/** Split a list of relay URLs as people write it (commas or whitespace between them). */
export function parseRelayUrls (text: string): string[] {
  return text.split(/[\s,]+/).map(url => url.trim()).filter(url => url !== '')
}

/** One relay's WebSocket multiaddr: asked for now, else the one remembered from an earlier visit. */
async function relayAddress (relayUrl: string, options: AbortOptions): Promise<string> {
  try {
    const addr = (await resolveRelayAddress({ relayUrl }, options)).toString()
    localStorage.setItem(cacheKey(relayUrl), addr)
    return addr
  } catch (err) {
    const cached = localStorage.getItem(cacheKey(relayUrl))
    if (cached === null) throw err
    return cached
  }
}

/**
 * Find the relays and start a browser node on them (on the first that answers; the others are for failover). Each
 * relay's address is remembered, so when relays are unreachable a node that has met them before still starts (its
 * content stays readable; the node redials them with backoff). Throws when no relay is reachable or remembered.
 */
export async function openNode (init: OpenNodeInit): Promise<OpenedNode> {
  init.signal?.throwIfAborted()
  if (init.relayUrls.length === 0) throw new Error('openNode needs at least one relay URL')
  const found = await Promise.allSettled(init.relayUrls.map(async url => relayAddress(url, { signal: init.signal })))
  const relays: Array<{ url: string, addr: string }> = []
  found.forEach((result, i) => {
    const url = init.relayUrls[i]
    if (result.status === 'fulfilled' && url !== undefined) relays.push({ url, addr: result.value })
  })
  const first = relays[0]
  if (first === undefined) {
    const reasons = found.map((result, i) => `${init.relayUrls[i] ?? ''}: ${result.status === 'rejected' && result.reason instanceof Error ? result.reason.message : 'unreachable'}`)
    throw new Error(reasons.join('; '))
  }
  const urlOf = (addr: string | undefined): string => relays.find(r => r.addr === addr)?.url ?? first.url
  const holder: { node?: BrowserNode } = {}
  const liveRelayUrl = (): string => urlOf(holder.node?.activeRelay()?.toString())
  const node = await createBrowserNode({
    relays: relays.map(r => r.addr),
    name: init.name,
    storageWorker: init.storageWorker?.(),
    searchWorker: init.searchWorker,
    hashWorker: init.hashWorker,
    decryptKeys: init.decryptKeys,
    relayLink: { dialTimeoutMs: init.relayDialTimeoutMs ?? 5_000, maxRetryDelayMs: 10_000 },
    // content no tab of the mesh holds comes through the live relay's trustless gateway (its peers, the public network)
    gatewayUrl: liveRelayUrl
  })
  holder.node = node
  return { ...node, liveRelayUrl }
}
