import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { UnexpectedErrorListener } from './tool-result.ts'

/** Default largest payload a tool or resource returns inline: 1 MiB. */
export const DEFAULT_MAX_INLINE_BYTES = 1024 * 1024

/** What every tool module uses; built once by `buildMcpServer`. */
export interface McpToolContext {
  /** The one service layer (the same the REST API calls). */
  service: IpfsService
  /** Largest content returned inline: `ipfs_cat` pages, blocks, CARs, resources. */
  maxInlineBytes: number
  /** Whether tools may read and write files on this machine (`path` arguments): only when the server runs locally. */
  localFiles: boolean
  /** Base URL of the relay's HTTP API when there is one, to point agents at downloads too big to inline. */
  httpUrl?: string
  onUnexpectedError?: UnexpectedErrorListener
}

/** What a tool handler receives besides its arguments (a subset of the SDK's `RequestHandlerExtra`). */
export interface ToolExtra {
  /** Aborted when the client cancels the call or the connection closes. */
  signal: AbortSignal
}
