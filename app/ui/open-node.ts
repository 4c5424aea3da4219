import { createBrowserNode, resolveRelayAddress } from '../node/index.ts'
import type { BrowserNode } from '../node/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { DecryptOptions } from '../../core/crypto/index.ts'

/** Options for {@link openNode}. */
export interface OpenNodeInit extends AbortOptions {
  /** Base URL of the relay's HTTP API (its `/api/v1/id` names its WebSocket address). */
  relayUrl: string
  /** IndexedDB prefix (default `ipfs-kit`). */
  name?: string
  /** Keep blocks in a storage worker (the app does; the web component keeps them on the main thread). */
  storageWorker?: () => Worker
  /** Keep a search index in a search worker (the app does). */
  searchWorker?: () => Worker
  /** Keys that open this browser's encrypted files, for its search index. */
  decryptKeys?: () => Promise<DecryptOptions | undefined>
}

const cacheKey = (relayUrl: string): string => `ipfs-kit:relay-addr:${relayUrl}`

/**
 * Find the relay and start a browser node on it. The relay's address is remembered, so when the relay is unreachable
 * a node that has met it before still starts (its content stays readable; the node redials the relay with backoff).
 * Throws when the relay is unreachable and was never seen.
 */
export async function openNode (init: OpenNodeInit): Promise<BrowserNode> {
  init.signal?.throwIfAborted()
  let relayMultiaddr: string
  try {
    relayMultiaddr = (await resolveRelayAddress({ relayUrl: init.relayUrl }, { signal: init.signal })).toString()
    localStorage.setItem(cacheKey(init.relayUrl), relayMultiaddr)
  } catch (err) {
    const cached = localStorage.getItem(cacheKey(init.relayUrl))
    if (cached === null) throw err
    relayMultiaddr = cached
  }
  return createBrowserNode({
    relayMultiaddr,
    name: init.name,
    storageWorker: init.storageWorker?.(),
    searchWorker: init.searchWorker,
    decryptKeys: init.decryptKeys,
    relayLink: { maxRetryDelayMs: 10_000 },
    // content no tab of the mesh holds comes through the relay's trustless gateway (its peers, the public network)
    gatewayUrl: init.relayUrl
  })
}
