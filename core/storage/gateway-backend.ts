import { CID } from 'multiformats/cid'
import { multihashKey } from '../blocks/block-key.ts'
import { IpfsKitError, NotFoundError } from '../errors/index.ts'
import { NotSupportedError, BackendUnavailableError } from './errors.ts'
import { carToVerifiedBlocks } from './dag.ts'
import { pickReadError } from './read-errors.ts'
import { GatewayEndpoints, PROBE_PATH, startRequest } from './gateway-endpoints.ts'
import type { AbortOptions } from '../abort.ts'
import type { BackendCapabilities, BackendStatus, CostProfile, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock } from './backend.ts'
import type { GatewayRequest, GatewayResponse } from './gateway-endpoints.ts'

/** A gateway that failed a request, as reported to `onGatewayFailure`. */
export interface GatewayFailure {
  gateway: string
  cid: CID
  /** `ERR_BLOCK_CORRUPT` when it served bytes that do not match their CID. */
  code: string
  message: string
}

/** Options of {@link createGatewayBackend}. */
export interface GatewayBackendInit {
  /** Instance name, e.g. `gateways`. */
  name: string
  /** Trustless gateway base URLs, e.g. `https://trustless-gateway.link` (the path `/ipfs/<cid>` is appended). */
  gateways: string[]
  /** Gateways asked at once; the first to answer wins and the others are cancelled (default 2). */
  raceCount?: number
  /** How long to wait for a gateway's response headers (default 15 s). */
  headersTimeoutMs?: number
  /** How long a gateway that served corrupt bytes is tried last (default 10 min). */
  quarantineMs?: number
  /** fetch to use (default the global one). */
  fetch?: typeof fetch
  /** Overrides of the default cost profile. */
  cost?: Partial<CostProfile>
  /** Called for every failed gateway request (corrupt bytes included), e.g. to emit an event. */
  onGatewayFailure?: (failure: GatewayFailure) => void
}

/** Public gateways are free to read; latency is a typical figure for a CAR's first byte. */
const DEFAULT_COST: CostProfile = { storageUsdPerGbMonth: 0, egressUsdPerGb: 0, latencyMs: 400 }
const CAPABILITIES: BackendCapabilities = { read: true, write: false, delete: false, list: false, streaming: true }
const CAR_ACCEPT = 'application/vnd.ipld.car; version=1; order=dfs; dups=n'
/** The empty identity CID, for probe error messages. */
const PROBE_CID = CID.parse('bafkqaaa')

/**
 * Trustless-gateway retrieval (the role Lassie plays): fetch a DAG as a CAR (`?format=car`, `Accept:
 * application/vnd.ipld.car`) from a list of gateways, racing the best `raceCount` of them and falling back to the
 * next on any failure, verifying every block against its CID. A gateway that serves corrupt bytes is skipped,
 * reported through `onGatewayFailure`, and marked (tried last) for `quarantineMs`; the read continues from another
 * gateway without repeating blocks already yielded. Read-only.
 *
 * @example
 * ```ts
 * const gw = createGatewayBackend({ name: 'gateways', gateways: ['https://trustless-gateway.link', 'https://ipfs.io'] })
 * for await (const block of gw.get(cid)) await blockstore.put(block.cid, block.bytes)
 * ```
 */
export class GatewayBackend implements StorageBackend {
  readonly name: string
  readonly kind = 'gateway'
  readonly layout = 'car' as const
  readonly capabilities = CAPABILITIES
  readonly cost: CostProfile
  readonly endpoints: GatewayEndpoints
  private readonly init: GatewayBackendInit
  private readonly fetchFn: typeof fetch
  /** The gateway that last served a whole DAG (for `stat`'s locator). */
  private lastServedBy: string | undefined

  constructor (init: GatewayBackendInit) {
    this.name = init.name
    this.init = init
    this.cost = { ...DEFAULT_COST, ...init.cost }
    this.endpoints = new GatewayEndpoints(init.gateways, init.quarantineMs ?? 10 * 60_000)
    this.fetchFn = init.fetch ?? globalThis.fetch.bind(globalThis)
  }

  async put (root: CID, _source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    throw new NotSupportedError(`backend ${this.name} reads from gateways and cannot store ${root.toString()}`)
  }

  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    throw new NotSupportedError(`backend ${this.name} reads from gateways and cannot delete ${root.toString()}`)
  }

  list (options: AbortOptions = {}): AsyncGenerator<CID> {
    const name = this.name
    // a generator that fails on the first `next()`, like any other list that cannot start
    return (async function * (): AsyncGenerator<CID> {
      options.signal?.throwIfAborted()
      const refusal = new NotSupportedError(`backend ${name} cannot list what gateways hold`)
      yield * [] // never yields: refuses on the first next()
      throw refusal
    })()
  }

  private failed (gateway: string, cid: CID, err: unknown): void {
    this.endpoints.failed(gateway, err)
    const code = err instanceof IpfsKitError ? err.code : 'ERR_BACKEND_UNAVAILABLE'
    this.init.onGatewayFailure?.({ gateway, cid, code, message: err instanceof Error ? err.message : String(err) })
  }

  /** Ask `batch` at once; the first 2xx wins, the rest are cancelled and handed back for fallback. */
  private async race (root: CID, batch: string[], options: AbortOptions, errors: unknown[]): Promise<{ winner?: GatewayResponse, losers: string[] }> {
    const requests: GatewayRequest[] = batch.map(gateway => startRequest(this.fetchFn, gateway, `/ipfs/${root.toString()}?format=car&dag-scope=all`, root, {
      headers: { accept: CAR_ACCEPT }, signal: options.signal, headersTimeoutMs: this.init.headersTimeoutMs ?? 15_000
    }))
    return await new Promise(resolve => {
      let pending = requests.length
      let winner: GatewayResponse | undefined
      const failed = new Set<string>()
      const finish = (): void => {
        if (--pending > 0 && winner === undefined) return
        // still-pending requests lost the race: cancel them and hand them back for fallback
        const losers = winner === undefined ? [] : requests.filter(r => r.gateway !== winner?.gateway && !failed.has(r.gateway)).map(r => r.gateway)
        if (winner !== undefined) for (const r of requests) if (r.gateway !== winner.gateway) r.controller.abort()
        resolve({ winner, losers })
      }
      for (const request of requests) {
        request.done.then(answer => {
          if (winner !== undefined) {
            answer.controller.abort()
            return
          }
          winner = answer
          finish()
        }, (err: unknown) => {
          if (winner !== undefined || options.signal?.aborted === true) {
            if (winner === undefined) finish()
            return
          }
          failed.add(request.gateway)
          errors.push(err)
          this.failed(request.gateway, root, err)
          finish()
        })
      }
    })
  }

  async * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    const errors: unknown[] = []
    const yielded = new Set<string>()
    const queue = this.endpoints.ordered()
    const raceCount = Math.max(1, this.init.raceCount ?? 2)
    while (queue.length > 0) {
      const { winner, losers } = await this.race(root, queue.splice(0, raceCount), options, errors)
      options.signal?.throwIfAborted()
      queue.unshift(...losers)
      if (winner === undefined) continue
      let blocks = 0
      try {
        const body = winner.response.body
        if (body === null) throw new BackendUnavailableError(`${winner.gateway} sent no body`)
        for await (const block of carToVerifiedBlocks(root, body, options)) {
          blocks++
          const key = multihashKey(block.cid)
          if (yielded.has(key)) continue
          yielded.add(key)
          yield block
        }
        this.endpoints.succeeded(winner.gateway, winner.latencyMs)
        this.lastServedBy = winner.gateway
        return
      } catch (err) {
        options.signal?.throwIfAborted()
        const reason = blocks === 0 && !(err instanceof IpfsKitError) ? await this.explainEmptyStream(winner.gateway, root, err, options) : err
        errors.push(reason)
        this.failed(winner.gateway, root, reason)
      } finally {
        winner.controller.abort()
      }
    }
    throw pickReadError(errors, root)
  }

  /**
   * Some gateways send `200` and the CAR header before they know whether they have the root, then cut the stream.
   * Ask the same gateway whether it holds the root block: if not, the failure is a not-found, not an outage.
   */
  private async explainEmptyStream (gateway: string, root: CID, err: unknown, options: AbortOptions): Promise<unknown> {
    const unavailable = new BackendUnavailableError(`${gateway} cut the CAR stream of ${root.toString()}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    try {
      await this.headRaw(gateway, root, options)
      return unavailable
    } catch (headErr) {
      return headErr instanceof NotFoundError ? headErr : unavailable
    }
  }

  /** `HEAD /ipfs/<cid>?format=raw` with `only-if-cached`: resolves when the gateway holds the block. */
  private async headRaw (gateway: string, root: CID, options: AbortOptions): Promise<void> {
    await startRequest(this.fetchFn, gateway, `/ipfs/${root.toString()}?format=raw`, root, {
      method: 'HEAD', headers: { accept: 'application/vnd.ipld.raw', 'cache-control': 'only-if-cached' }, signal: options.signal, headersTimeoutMs: this.init.headersTimeoutMs ?? 15_000
    }).done
  }

  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    const answers = await Promise.allSettled(this.endpoints.ordered().map(async gateway => { await this.headRaw(gateway, root, options) }))
    options.signal?.throwIfAborted()
    if (answers.some(a => a.status === 'fulfilled')) return true
    const reasons = answers.map(a => a.status === 'rejected' ? a.reason as unknown : undefined)
    if (reasons.every(r => r instanceof NotFoundError)) return false
    throw pickReadError(reasons, root)
  }

  async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
    options.signal?.throwIfAborted()
    // gateways do not report a DAG's size: fetch it (verified) and count
    let size = 0
    for await (const block of this.get(root, options)) size += block.bytes.byteLength
    return { cid: root, size, locator: `${this.lastServedBy ?? this.endpoints.urls[0] ?? ''}/ipfs/${root.toString()}` }
  }

  async status (options: AbortOptions = {}): Promise<BackendStatus> {
    const started = Date.now()
    const probed = new Map<string, { healthy: boolean, latencyMs: number, error?: { code: string, message: string } }>()
    await Promise.all(this.endpoints.urls.map(async gateway => {
      const begun = Date.now()
      try {
        const answer = await startRequest(this.fetchFn, gateway, PROBE_PATH, PROBE_CID, { headers: { accept: 'application/vnd.ipld.raw' }, signal: options.signal, headersTimeoutMs: this.init.headersTimeoutMs ?? 15_000 }).done
        await answer.response.body?.cancel().catch(() => {})
        probed.set(gateway, { healthy: true, latencyMs: Date.now() - begun })
      } catch (err) {
        const code = err instanceof IpfsKitError ? err.code : 'ERR_BACKEND_UNAVAILABLE'
        probed.set(gateway, { healthy: false, latencyMs: Date.now() - begun, error: { code, message: err instanceof Error ? err.message : String(err) } })
      }
    }))
    const endpoints = this.endpoints.statuses(probed)
    const healthy = endpoints.some(e => e.healthy && e.markedUntil === undefined) || endpoints.some(e => e.healthy)
    const best = Math.min(...[...probed.values()].filter(p => p.healthy).map(p => p.latencyMs))
    return {
      healthy,
      latencyMs: Number.isFinite(best) ? best : Date.now() - started,
      checkedAt: new Date().toISOString(),
      endpoints,
      ...(healthy ? {} : { error: { code: 'ERR_BACKEND_UNAVAILABLE', message: 'no gateway answered the probe' } })
    }
  }
}

/** Create a gateway retrieval backend (see {@link GatewayBackend}). */
export function createGatewayBackend (init: GatewayBackendInit): GatewayBackend {
  return new GatewayBackend(init)
}
