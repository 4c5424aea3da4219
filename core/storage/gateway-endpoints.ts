import { IpfsKitError, NotFoundError, TimeoutError } from '../errors/index.ts'
import { BackendUnavailableError } from './errors.ts'
import type { EndpointStatus } from './backend.ts'
import type { CID } from 'multiformats/cid'

/** What a gateway answered, or why it failed. */
export interface GatewayResponse {
  gateway: string
  response: Response
  /** Milliseconds to response headers. */
  latencyMs: number
  /** Aborts this request (and its body stream). */
  controller: AbortController
}

/** One request to one gateway. */
export interface GatewayRequest {
  gateway: string
  controller: AbortController
  done: Promise<GatewayResponse>
}

/** Where a gateway stands: measured latency, failures, and a mark after it served bad bytes. */
interface EndpointState {
  latencyMs?: number
  failures: number
  markedUntil?: number
  error?: { code: string, message: string }
}

/** `bafkqaaa`: the empty identity CID every trustless gateway answers without storage, used as a probe. */
export const PROBE_PATH = '/ipfs/bafkqaaa?format=raw'

/** A gateway's base URL without trailing slashes. */
export function gatewayBase (url: string): string {
  return url.replace(/\/+$/, '')
}

/** The typed error for a non-2xx gateway answer. */
export function errorForResponse (gateway: string, cid: CID, status: number): IpfsKitError {
  if (status === 404 || status === 410 || status === 412) return new NotFoundError(`${gateway} does not have ${cid.toString()} (HTTP ${status})`)
  if (status === 504) return new TimeoutError(`${gateway} timed out fetching ${cid.toString()} (HTTP 504)`)
  return new BackendUnavailableError(`${gateway} answered HTTP ${status} for ${cid.toString()}`)
}

/**
 * Gateways in the order to try them: unmarked before marked, fewer recent failures first, then lower latency.
 * It remembers what each request taught it; nothing here does I/O.
 */
export class GatewayEndpoints {
  readonly urls: readonly string[]
  private readonly states = new Map<string, EndpointState>()
  private readonly quarantineMs: number

  constructor (urls: string[], quarantineMs: number) {
    this.urls = urls.map(gatewayBase)
    this.quarantineMs = quarantineMs
    for (const url of this.urls) this.states.set(url, { failures: 0 })
  }

  private state (url: string): EndpointState {
    let state = this.states.get(url)
    if (state === undefined) {
      state = { failures: 0 }
      this.states.set(url, state)
    }
    return state
  }

  /** Gateways, best first. */
  ordered (now = Date.now()): string[] {
    const rank = (url: string): [number, number, number] => {
      const s = this.state(url)
      return [(s.markedUntil ?? 0) > now ? 1 : 0, s.failures, s.latencyMs ?? Number.MAX_SAFE_INTEGER]
    }
    return [...this.urls].sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)]
      return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2]
    })
  }

  /** A request succeeded after `latencyMs` to headers. */
  succeeded (url: string, latencyMs: number): void {
    const s = this.state(url)
    s.latencyMs = s.latencyMs === undefined ? latencyMs : Math.round(s.latencyMs * 0.7 + latencyMs * 0.3)
    s.failures = 0
    delete s.error
  }

  /** A request failed; a corrupt answer marks the gateway so it is tried last for the quarantine time. */
  failed (url: string, err: unknown): void {
    const s = this.state(url)
    const code = err instanceof IpfsKitError ? err.code : 'ERR_BACKEND_UNAVAILABLE'
    s.error = { code, message: err instanceof Error ? err.message : String(err) }
    if (code === 'ERR_NOT_FOUND') return
    s.failures++
    if (code === 'ERR_BLOCK_CORRUPT' || code === 'ERR_INVALID_CAR') s.markedUntil = Date.now() + this.quarantineMs
  }

  /** Status of every gateway (healthy per the latest probe results given). */
  statuses (probed: Map<string, { healthy: boolean, latencyMs: number, error?: { code: string, message: string } }>): EndpointStatus[] {
    const now = Date.now()
    return this.urls.map(url => {
      const s = this.state(url)
      const probe = probed.get(url)
      const error = probe?.error ?? s.error
      return {
        url,
        healthy: probe?.healthy ?? s.failures === 0,
        ...(probe?.latencyMs ?? s.latencyMs) === undefined ? {} : { latencyMs: probe?.latencyMs ?? s.latencyMs },
        ...(s.markedUntil !== undefined && s.markedUntil > now ? { markedUntil: new Date(s.markedUntil).toISOString() } : {}),
        ...(error === undefined ? {} : { error })
      }
    })
  }
}

/**
 * Start one request: the answer resolves once headers arrive (2xx), anything else rejects with a typed error.
 * `headersTimeoutMs` bounds the wait for headers; the caller's signal and `controller` abort it.
 */
export function startRequest (fetchFn: typeof fetch, gateway: string, path: string, cid: CID, init: { headers: Record<string, string>, method?: string, signal?: AbortSignal, headersTimeoutMs: number }): GatewayRequest {
  const controller = new AbortController()
  const signal = init.signal === undefined ? controller.signal : AbortSignal.any([init.signal, controller.signal])
  const started = Date.now()
  const done = (async (): Promise<GatewayResponse> => {
    let timedOut = false
    const timer = setTimeout(() => { timedOut = true; controller.abort() }, init.headersTimeoutMs)
    try {
      const response = await fetchFn(`${gateway}${path}`, { method: init.method ?? 'GET', headers: init.headers, signal })
      if (!response.ok) {
        await response.body?.cancel().catch(() => {})
        throw errorForResponse(gateway, cid, response.status)
      }
      return { gateway, response, latencyMs: Date.now() - started, controller }
    } catch (err) {
      if (err instanceof IpfsKitError) throw err
      if (timedOut) throw new TimeoutError(`${gateway} sent no headers for ${cid.toString()} within ${init.headersTimeoutMs} ms`)
      if (init.signal?.aborted === true) throw err
      if (controller.signal.aborted) throw err
      throw new BackendUnavailableError(`${gateway} unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    } finally {
      clearTimeout(timer)
    }
  })()
  return { gateway, controller, done }
}
