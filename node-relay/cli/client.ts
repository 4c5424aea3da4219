import { InvalidInputError } from '../../core/errors/index.ts'
import { ApiError, UnreachableError } from './exit.ts'
import { sendStream } from './stream-upload.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { z } from 'zod'

/** Query parameters of an API call; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | undefined>

/** One call to the relay's HTTP API. */
export interface ApiRequest extends AbortOptions {
  method?: 'GET' | 'POST' | 'DELETE'
  query?: Query
  headers?: Record<string, string>
  /** A JSON value, or a byte stream sent as it is produced (never buffered whole), pulled as the connection drains it. */
  body?: { json: unknown } | { stream: AsyncIterable<Uint8Array>, contentType: string }
}

/** Socket errors that mean nothing is listening (or nothing can be reached) at the API address. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT'
])

/** TLS errors of a certificate this machine does not trust (OpenSSL's codes as Node reports them). */
const UNTRUSTED_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'
])

/** Node's own TLS certificate errors (a name the certificate does not cover): Node's codes, not our catalogue's. */
const NODE_TLS_CERT_CODE = /^ERR_TLS_CERT_/

function untrustedCertificate (code: string): boolean {
  return UNTRUSTED_CERT_CODES.has(code) || NODE_TLS_CERT_CODE.test(code)
}

/** Socket errors of a connection that was open and then lost. */
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

function errorCode (err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}

/** The code the relay would have used for a status, for error bodies that are not `{ code, message }`. */
function codeForStatus (status: number): string {
  if (status === 404) return 'ERR_NOT_FOUND'
  if (status === 413) return 'ERR_TOO_LARGE'
  if (status >= 400 && status < 500) return 'ERR_INVALID_INPUT'
  return 'ERR_INTERNAL'
}

/**
 * Turn a non-2xx response into an {@link ApiError} carrying the relay's `{ code, message }`. An answer that is not
 * ours (an HTML error page, another program on the port) becomes {@link UnreachableError}: "not found" would send
 * people looking for their content when the address is what is wrong.
 */
async function apiErrorOf (response: Response, url: string = response.url): Promise<ApiError | UnreachableError> {
  const text = await response.text().catch(() => '')
  try {
    const body: unknown = JSON.parse(text)
    if (typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string') {
      const message = 'message' in body && typeof body.message === 'string' ? body.message : response.statusText
      return new ApiError(body.code, message, response.status)
    }
  } catch {
    // not JSON: fall through to the status
  }
  const type = response.headers.get('content-type') ?? 'no content type'
  if (!type.includes('json')) {
    return new UnreachableError(`the server at ${new URL(url).origin} does not look like an ipfs-kit relay: it answered ${response.status} ${response.statusText} (${type.split(';')[0] ?? type}) to ${new URL(url).pathname}; check --api`)
  }
  return new ApiError(codeForStatus(response.status), text.trim() === '' ? `HTTP ${response.status} ${response.statusText}` : text.trim().slice(0, 200), response.status)
}

/** Split `--api` (or $IPFS_KIT_API) into relay URLs: one URL, or several separated by commas. */
export function apiList (api: string | string[]): string[] {
  const list = (Array.isArray(api) ? api : api.split(',')).map(a => a.trim()).filter(a => a !== '')
  if (list.length === 0) throw new InvalidInputError('--api names no relay')
  return list
}

function parseBase (api: string): URL {
  let base: URL
  try {
    base = new URL(api)
  } catch (err) {
    throw new InvalidInputError(`--api "${api}" is not a URL`, { cause: err })
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new InvalidInputError(`--api "${api}" must be an http(s) URL`)
  }
  return base
}

/** Why one relay of the list was passed over. */
interface Miss {
  origin: string
  reason: string
}

/** A failure that sends the request on to the next relay; `reason` is what the final error reports. */
class NextRelay extends Error {
  readonly reason: string
  constructor (reason: string, cause: Error) {
    super(reason, { cause })
    this.reason = reason
  }
}

/**
 * A client of the relay's REST API (`/api/v1/...`). Every failure becomes a typed error the CLI maps to an exit
 * code: the relay's `{ code, message }` bodies become {@link ApiError}, a refused or unresolvable connection
 * becomes {@link UnreachableError}.
 *
 * Given several relays (`--api a,b,c`: relays of one cluster, whose pin state is replicated), a request that cannot
 * reach one goes to the next, and the client stays on the one that answered. Any request moves on when nothing could
 * be connected to (refused, unresolvable, connect timeout): the relay never saw it. A read (GET) also moves on when
 * the connection drops before the answer; a write then fails, since the relay may have applied it. A streamed upload
 * cannot be replayed, so with several relays the client first finds one that answers `/health`. When no relay
 * answers, the error names every relay tried and why.
 *
 * @example
 * ```ts
 * const client = new ApiClient('http://127.0.0.1:8998,http://127.0.0.1:8999')
 * const id = await client.json('/api/v1/id', idSchema)
 * ```
 */
export class ApiClient {
  /** Every relay, in the order given. */
  readonly bases: readonly URL[]

  /** API key sent as `Authorization: Bearer` on every request. */
  private readonly key?: string

  /** Index of the relay requests go to first (the last one that answered). */
  private current = 0

  /** Whether the current relay was seen answering (a streamed upload then needs no probe). */
  private confirmed = false

  /** `api`: one relay URL, several separated by commas, or a list. */
  constructor (api: string | string[], key?: string) {
    this.key = key === '' ? undefined : key
    this.bases = apiList(api).map(parseBase)
  }

  /** Base URL of the relay requests go to now, e.g. `http://127.0.0.1:8998`. */
  get base (): URL {
    const base = this.bases[this.current] ?? this.bases[0]
    if (base === undefined) throw new InvalidInputError('--api names no relay')
    return base
  }

  /** The absolute URL of an API path with its query, on the current relay. */
  url (path: string, query: Query = {}): URL {
    return this.urlOn(this.base, path, query)
  }

  private urlOn (base: URL, path: string, query: Query): URL {
    const url = new URL(path.replace(/^\/+/, ''), base.href.endsWith('/') ? base : `${base.href}/`)
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    return url
  }

  /** Send a request; resolves with a 2xx response whose body is still unread. */
  async request (path: string, request: ApiRequest = {}): Promise<Response> {
    request.signal?.throwIfAborted()
    const streamed = request.body !== undefined && 'stream' in request.body
    if (streamed && this.bases.length > 1 && !this.confirmed) await this.findLive(request)
    return await this.onFirstReachable(async (base, index) => {
      const response = await this.send(base, path, request, streamed || this.bases.length === 1)
      this.current = index
      this.confirmed = true
      return response
    })
  }

  /** Make the first relay that answers `GET /health` the current one (before a streamed upload, which cannot be replayed). */
  private async findLive (request: ApiRequest): Promise<void> {
    await this.onFirstReachable(async (base, index) => {
      try {
        const response = await this.send(base, '/health', { signal: request.signal }, false)
        await response.body?.cancel()
        this.confirmed = true
      } catch (err) {
        // a relay that answers, even with an error (503 while it starts), is reachable: the upload itself will say more
        if (!(err instanceof ApiError)) throw err
      }
      this.current = index
    })
  }

  /**
   * Run `attempt` on each relay from the current one on until one does not fail with a {@link NextRelay}; any other
   * error ends the walk. When every relay was missed, the error names each and why.
   */
  private async onFirstReachable<T> (attempt: (base: URL, index: number) => Promise<T>): Promise<T> {
    const misses: Miss[] = []
    for (let i = 0; i < this.bases.length; i++) {
      const index = (this.current + i) % this.bases.length
      const base = this.bases[index]
      if (base === undefined) continue
      try {
        return await attempt(base, index)
      } catch (err) {
        if (!(err instanceof NextRelay)) throw err
        misses.push({ origin: base.origin, reason: err.reason })
      }
    }
    throw new UnreachableError(`cannot reach any relay: ${misses.map(m => `${m.origin} (${m.reason})`).join(', ')}; is \`ipfs-kit start\` running?`)
  }

  /** One attempt on one relay. A failure that may go to the next relay is a {@link NextRelay}. */
  private async send (base: URL, path: string, request: ApiRequest, last: boolean): Promise<Response> {
    const url = this.urlOn(base, path, request.query ?? {})
    const headers: Record<string, string> = { accept: 'application/json, */*', ...request.headers }
    if (this.key !== undefined) headers.authorization = `Bearer ${this.key}`
    const method = request.method ?? 'GET'
    let response: Response
    try {
      if (request.body !== undefined && 'stream' in request.body) {
        headers['content-type'] = request.body.contentType
        response = await sendStream({ url, method, headers, source: request.body.stream, signal: request.signal })
      } else {
        const init: RequestInit = { method, headers, signal: request.signal }
        if (request.body !== undefined) {
          headers['content-type'] = 'application/json'
          init.body = JSON.stringify(request.body.json)
        }
        response = await fetch(url, init)
      }
    } catch (err) {
      const error = this.fetchError(base, err, request)
      if (last || request.signal?.aborted === true) throw error
      const code = errorCode(err instanceof Error ? err.cause : undefined) ?? errorCode(err)
      if (error instanceof UnreachableError) throw new NextRelay(code ?? 'unreachable', error)
      // the connection was made and then lost: only a read can safely be sent again
      if (method === 'GET' && !(error instanceof InvalidInputError) && error.message.startsWith('the connection to the relay')) {
        throw new NextRelay(`connection lost: ${code ?? error.message}`, error)
      }
      throw error
    }
    if (!response.ok) throw await apiErrorOf(response, url.href)
    return response
  }

  /** Send a request and validate its JSON answer against a schema. */
  async json<T> (path: string, schema: z.ZodType<T>, request: ApiRequest = {}): Promise<T> {
    const response = await this.request(path, request)
    const body: unknown = await response.json().catch((err: unknown) => {
      throw new ApiError('ERR_INTERNAL', `the relay sent invalid JSON for ${path}: ${String(err)}`, response.status)
    })
    const parsed = schema.safeParse(body)
    if (!parsed.success) throw new ApiError('ERR_INTERNAL', `unexpected answer from ${path}: ${parsed.error.message}`, response.status)
    return parsed.data
  }

  /** Classify a failed `fetch`: nothing listening, our own upload source failing, or a dropped connection. */
  private fetchError (base: URL, err: unknown, request: ApiRequest): Error {
    if (request.signal?.aborted === true) return err instanceof Error ? err : new Error(String(err))
    const cause = err instanceof Error ? err.cause : undefined
    // fetch refuses ports browsers block (1, 22, 25, …) before connecting
    if (cause instanceof Error && cause.message === 'bad port') {
      return new InvalidInputError(`--api ${base.origin}: port ${base.port} is one fetch refuses to connect to (a reserved port); use another`, { cause: err })
    }
    const code = errorCode(cause) ?? errorCode(err)
    if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      return new UnreachableError(`cannot reach the relay at ${base.origin} (${code}); is \`ipfs-kit start\` running?`, { cause: err })
    }
    if (code !== undefined && untrustedCertificate(code)) {
      const reason = cause instanceof Error ? cause.message : code
      return new UnreachableError(`the relay at ${base.origin} presented a certificate this machine does not trust (${code}: ${reason}); if it is signed by your own CA, set NODE_EXTRA_CA_CERTS to that CA's PEM file`, { cause: err })
    }
    // an error thrown by the body we were streaming (e.g. a file that could not be read) surfaces as the cause
    if (cause instanceof Error && (code === undefined || !(code.startsWith('UND_ERR') || DROPPED_CODES.has(code)))) return cause
    return new Error(`the connection to the relay at ${base.origin} failed: ${cause instanceof Error ? cause.message : String(err)}`, { cause: err })
  }
}
