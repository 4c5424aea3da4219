import { TimeoutError } from '../errors/index.ts'
import { BackendUnavailableError } from '../storage/errors.ts'
import { errorForResponse } from '../storage/gateway-endpoints.ts'
import { verifyBlock } from './verify.ts'
import type { AbortOptions } from '../abort.ts'
import type { CID } from 'multiformats/cid'

/** Where blocks come from when peers do not have them: one trustless gateway (the relay's own). */
export interface GatewayBlocksInit {
  /** Base URL of a trustless gateway (`https://relay.example`): blocks are read from `/ipfs/<cid>?format=raw`. */
  url: string
  /** Deadline of one block (default 30 s: the gateway may itself be searching the network for it). */
  timeoutMs?: number
  fetch?: typeof fetch
}

/**
 * Single blocks from a trustless gateway (`application/vnd.ipld.raw`), each verified against its CID before it is
 * returned. A browser node uses its relay's gateway this way for content no peer of its own holds: the relay
 * fetches it from its peers or the public IPFS network, and the tab still trusts nothing it has not hashed.
 *
 * @example
 * ```ts
 * const gateway = new GatewayBlocks({ url: 'https://relay.example' })
 * const bytes = await gateway.get(cid) // verified, or ERR_BLOCK_CORRUPT / ERR_NOT_FOUND / ERR_TIMEOUT
 * ```
 */
export class GatewayBlocks {
  private readonly base: string
  private readonly timeoutMs: number
  private readonly fetchFn: typeof fetch

  constructor (init: GatewayBlocksInit) {
    this.base = init.url.replace(/\/+$/, '')
    this.timeoutMs = init.timeoutMs ?? 30_000
    this.fetchFn = init.fetch ?? globalThis.fetch.bind(globalThis)
  }

  /** The verified bytes of `cid`. */
  async get (cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
    const deadline = AbortSignal.timeout(this.timeoutMs)
    const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline])
    let res: Response
    try {
      res = await this.fetchFn(`${this.base}/ipfs/${cid.toString()}?format=raw`, { headers: { accept: 'application/vnd.ipld.raw' }, signal })
    } catch (err) {
      if (deadline.aborted && options.signal?.aborted !== true) throw new TimeoutError(`the gateway ${this.base} did not answer for ${cid.toString()} within ${this.timeoutMs} ms`, { cause: err })
      if (options.signal?.aborted === true) throw err
      throw new BackendUnavailableError(`the gateway ${this.base} is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {})
      throw errorForResponse(this.base, cid, res.status)
    }
    const bytes = new Uint8Array(await res.arrayBuffer())
    await verifyBlock(cid, bytes)
    return bytes
  }
}
