import { NotFoundError, TimeoutError } from '../errors/index.ts'
import { collectBlock } from './bytes.ts'
import type { WriteBehindOptions } from './write-behind.ts'
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
  /**
   * A second source for blocks no peer sends in time: the browser node's relay gateway (`GatewayBlocks`), which can
   * reach the relay's peers and the public network. It is asked `afterMs` after the peers (default 3 s), or at once
   * when no peer is connected or it served the last miss (content one source has tends to come whole from it).
   * What it returns must already be verified; it is stored and announced like a block from a peer.
   */
  fallback?: { get: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>, afterMs?: number }
  /**
   * Peers asked before bitswap, over a faster path (`BlockStream`: the browser's direct WebRTC peers). It resolves
   * verified bytes, or undefined when none of them has the block (then bitswap and the fallback are asked as before).
   */
  direct?: { get: (cid: CID, options?: AbortOptions) => Promise<Uint8Array | undefined> }
}

/**
 * A fetched block is verified and can be fetched again, so its reader need not wait for the local write: Helia hands
 * these options to the local store's `put` (a {@link WriteBehindBlockstore} takes the hint; other stores ignore it).
 */
const WRITE_BEHIND: WriteBehindOptions = { writeBehind: true }

/**
 * A block fetched and verified here is stored without first waiting to learn whether it is there: Helia's put asks
 * `has`, which in IndexedDB waits for every write transaction in flight, so each fetched block waited for the
 * previous one's commit before its reader got it. Writing a block twice is harmless.
 */
const FETCHED_PUT: WriteBehindOptions = { ...WRITE_BEHIND, mayRewrite: true }

/** After the fallback served a block, further misses ask it at once for this long. */
const PREFER_FALLBACK_MS = 10_000

/**
 * Local first, then the network, with a deadline. Reads of blocks held locally never touch Helia's locks or
 * bitswap; a missing block is asked of peers (and, with routing, of providers found for it) for at most
 * `fetchTimeoutMs` (`ERR_TIMEOUT`), or fails at once with `ERR_NOT_FOUND` when no peer is connected and there is no
 * routing to find one. Writes go through the network store so peers waiting for a block
 * hear about it.
 */
export class NetworkBlockstore implements Blockstore {
  private readonly init: NetworkBlockstoreInit
  private preferFallbackUntil = 0
  /** Blocks fetched so far: from peers (`fromDirect` of them over the direct path, the rest over bitswap), and from the fallback. */
  readonly fetched = { fromPeers: 0, fromDirect: 0, fromFallback: 0 }

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
    const direct = await this.init.direct?.get(cid, options)
    if (direct !== undefined) {
      this.fetched.fromPeers++
      this.fetched.fromDirect++
      await this.init.network.put(cid, direct, { ...options, ...FETCHED_PUT })
      yield direct
      return
    }
    if (this.init.fallback !== undefined) {
      yield await this.fromPeersOrFallback(cid, this.init.fallback, options)
      return
    }
    if (this.init.routing !== true && this.init.peerCount() === 0) throw new NotFoundError(`block ${cid.toString()} is not stored here and no peer is connected to ask`)
    const deadline = AbortSignal.timeout(this.init.fetchTimeoutMs)
    const signal = options?.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline])
    const nudge = this.init.nudge
    const timer = nudge === undefined ? undefined : setInterval(() => { nudge() }, this.init.nudgeAfterMs ?? 4000)
    try {
      yield * this.init.network.get(cid, { ...options, signal, ...WRITE_BEHIND })
      this.fetched.fromPeers++
    } catch (err) {
      if (deadline.aborted && options?.signal?.aborted !== true) {
        throw new TimeoutError(`block ${cid.toString()} did not arrive from peers within ${this.init.fetchTimeoutMs} ms`, { cause: err })
      }
      throw err
    } finally {
      if (timer !== undefined) clearInterval(timer)
    }
  }

  /** Ask the peers, and the fallback after a while (or at once): the first verified answer wins, the other is cancelled. */
  private async fromPeersOrFallback (cid: CID, fallback: NonNullable<NetworkBlockstoreInit['fallback']>, options?: AbortOptions): Promise<Uint8Array> {
    const deadline = AbortSignal.timeout(this.init.fetchTimeoutMs)
    const settled = new AbortController()
    const signal = AbortSignal.any([deadline, settled.signal, ...(options?.signal === undefined ? [] : [options.signal])])
    const peers = this.init.routing === true || this.init.peerCount() > 0
    const delayMs = !peers || Date.now() < this.preferFallbackUntil ? 0 : fallback.afterMs ?? 3000
    const attempts: Array<Promise<{ bytes: Uint8Array, via: 'peers' | 'fallback' }>> = []
    if (peers) attempts.push(collectBlock(this.init.network.get(cid, { ...options, signal, ...WRITE_BEHIND })).then(bytes => ({ bytes, via: 'peers' as const })))
    attempts.push(sleep(delayMs, signal).then(async () => ({ bytes: await fallback.get(cid, { ...options, signal }), via: 'fallback' as const })))
    const nudge = this.init.nudge
    const timer = nudge === undefined || !peers ? undefined : setInterval(() => { nudge() }, this.init.nudgeAfterMs ?? 4000)
    try {
      const winner = await Promise.any(attempts)
      if (winner.via === 'peers') this.fetched.fromPeers++
      if (winner.via === 'fallback') {
        this.fetched.fromFallback++
        this.preferFallbackUntil = Date.now() + PREFER_FALLBACK_MS
        await this.init.network.put(cid, winner.bytes, { ...options, ...FETCHED_PUT })
      }
      return winner.bytes
    } catch (err) {
      options?.signal?.throwIfAborted()
      if (deadline.aborted) throw new TimeoutError(`block ${cid.toString()} did not arrive from peers or the gateway within ${this.init.fetchTimeoutMs} ms`, { cause: err })
      const errors = err instanceof AggregateError ? err.errors : [err]
      // the most telling failure: a corrupt or refused answer before a plain "not found"
      const typed = errors.filter((e): e is Error & { code: string } => e instanceof Error && 'code' in e && typeof e.code === 'string')
      throw typed.find(e => e.code !== 'ERR_NOT_FOUND') ?? typed[0] ?? errors[0]
    } finally {
      settled.abort()
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

/** Resolve after `ms`, or reject when `signal` aborts first. */
async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  if (ms <= 0) return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
