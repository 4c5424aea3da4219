import type { BrowserNode } from '../../../app/node/index.ts'
import type { Cluster } from '../../../core/cluster/index.ts'

/** What the mesh test page puts on `window` for Playwright. */
export interface MeshTestWindow {
  /** The running node, once started. */
  ipfsKit?: BrowserNode
  /** The node's cluster peer, when the page was opened with `?cluster=<name>`. */
  ipfsKitCluster?: Cluster
  /** Settles when startup finished (successfully or not). */
  ipfsKitReady?: Promise<void>
  /** With `?relayUrls=`: the HTTP API of the relay the node is on now (what the app's views call). */
  ipfsKitLiveRelayUrl?: () => string
  /** Why startup failed, if it did. */
  ipfsKitError?: string
}
