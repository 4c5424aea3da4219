import type { BrowserNode } from '../../../app/node/index.ts'

/** What the mesh test page puts on `window` for Playwright. */
export interface MeshTestWindow {
  /** The running node, once started. */
  ipfsKit?: BrowserNode
  /** Settles when startup finished (successfully or not). */
  ipfsKitReady?: Promise<void>
  /** Why startup failed, if it did. */
  ipfsKitError?: string
}
