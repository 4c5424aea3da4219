import { NotFoundError, TimeoutError } from '../errors/index.ts'
import type { AbortOptions } from '../abort.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** What the fallback needs to know about the network. */
export interface NetworkBlockstoreInit {
  /** The local store (fast path). */
  local: Blockstore
  /** Helia's networked blockstore: asks peers over bitswap for what is missing, and announces what is added. */
  network: Blockstore
  /** Number of connected peers right now; with none, a missing block fails at once instead of waiting. */
  peerCount: () => number
  /** How long one missing block may take to arrive. */
  fetchTimeoutMs: number
  /**
   * Called while a missing block is still awaited after `nudgeAfterMs` (and again each time that long passes): the
   * node re-announces itself to its peers, so a want that was lost (a stream that failed to open, an identify that
   * timed out on a new connection, and bitswap never learned of the peer) is sent again. Without it, such a want
   * waits for the whole `fetchTimeoutMs`.
   */
  nudge?: () => void
  /** Default 4 s. */
  nudgeAfterMs?: number
  /**
   * The node can find providers it is not connected to (public-network routing: the DHT, delegated routers), so a
   * missing block is searched for even when no peer is connected. Default false: fail at once without peers.
   */
  routing?: boolean
}

/**
 * Local first, then the network, with a deadline. Reads of blocks held locally never touch Helia's locks or
 * bitswap; a missing block is asked of peers (and, with routing, of providers found for it) for at most
 * `fetchTimeoutMs` (`ERR_TIMEOUT`), or fails at once with `ERR_NOT_FOUND` when no peer is connected and there is no
 * routing to find one. Writes go through the network store so peers waiting for a block
 * hear about it.
 */
export class NetworkBlockstore implements Blockstore {
  private readonly init: NetworkBlockstoreInit

  constructor (init: NetworkBlockstoreInit) {
    this.init = init
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    return this.init.local.has(cid, options)
  }

  async put (cid: CID, bytes: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    return this.init.network.put(cid, bytes, options)
  }

  putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> | Generator<CID> {
    return this.init.network.putMany(source, options)
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    if (await this.init.local.has(cid, options)) {
      yield * this.init.local.get(cid, options)
      return
    }
    if (this.init.routing !== true && this.init.peerCount() === 0) throw new NotFoundError(`block ${cid.toString()} is not stored here and no peer is connected to ask`)
    const deadline = AbortSignal.timeout(this.init.fetchTimeoutMs)
    const signal = options?.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline])
    const nudge = this.init.nudge
    const timer = nudge === undefined ? undefined : setInterval(() => { nudge() }, this.init.nudgeAfterMs ?? 4000)
    try {
      yield * this.init.network.get(cid, { ...options, signal })
    } catch (err) {
      if (deadline.aborted && options?.signal?.aborted !== true) {
        throw new TimeoutError(`block ${cid.toString()} did not arrive from peers within ${this.init.fetchTimeoutMs} ms`, { cause: err })
      }
      throw err
    } finally {
      if (timer !== undefined) clearInterval(timer)
    }
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const cid of source) {
      const chunks: Uint8Array[] = []
      for await (const chunk of this.get(cid, options)) chunks.push(chunk)
      yield { cid, bytes: (async function * () { yield * chunks })() }
    }
  }

  getAll (options?: AbortOptions): AsyncGenerator<Pair> | Generator<Pair> {
    return this.init.local.getAll(options)
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    await this.init.local.delete(cid, options)
  }

  deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> | Generator<CID> {
    return this.init.local.deleteMany(source, options)
  }
}
