/**
 * Translate what @storacha/client throws into ipfs-kit's typed errors, at the boundary. The client wraps a
 * failed UCAN invocation in `Error('failed <ability> invocation', { cause: { name, message } })`; the cause's
 * `name` says what the service refused: `Unauthorized` (the proof does not authorise our agent: wrong audience,
 * expired, revoked, wrong space) is `ERR_UNAUTHORIZED`; `UploadNotFound`/`BlobNotFound` are `ERR_NOT_FOUND`;
 * `InsufficientStorage` and other refusals of a known agent are `ERR_FORBIDDEN`; `HandlerNotFound` (the service
 * does not implement the ability) is `ERR_NOT_SUPPORTED`. Unreachable services and 5xx are
 * `ERR_BACKEND_UNAVAILABLE`. Aborts pass through untouched.
 */
import { ForbiddenError, IpfsKitError, NotFoundError, StorageError, UnauthorizedError } from '../../../core/errors/index.ts'
import { BackendUnavailableError, NotSupportedError } from '../../../core/storage/index.ts'

function isAbort (err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
}

/** The `name` of the service failure an error carries (its own, or its cause's, one level deep). */
export function failureName (err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const cause = (err as { cause?: unknown }).cause
  if (typeof cause === 'object' && cause !== null && typeof (cause as { name?: unknown }).name === 'string') return (cause as { name: string }).name
  const name = (err as { name?: unknown }).name
  return typeof name === 'string' && name !== 'Error' ? name : undefined
}

const NOT_FOUND = new Set(['UploadNotFound', 'BlobNotFound', 'RecordNotFound', 'EntryNotFound'])
const UNAUTHORIZED = new Set(['Unauthorized', 'InvalidSignature', 'Expired', 'NotValidBefore', 'Revoked', 'InvalidAudience', 'UnavailableProof'])
const FORBIDDEN = new Set(['InsufficientStorage', 'AccountBlocked', 'SpaceBlocked', 'RateLimited'])

/**
 * The typed error for a failure of `what` (e.g. `put bafy...`) against Storacha.
 *
 * @example
 * ```ts
 * try { await client.uploadCAR(car) } catch (err) { throw translateStorachaError(err, `put ${root}`) }
 * ```
 */
export function translateStorachaError (err: unknown, what: string): unknown {
  if (err instanceof IpfsKitError || isAbort(err)) return err
  const name = failureName(err)
  const message = `Storacha: ${what}: ${err instanceof Error ? err.message : String(err)}${name === undefined ? '' : ` (${name})`}`
  if (name !== undefined && NOT_FOUND.has(name)) return new NotFoundError(message)
  if (name !== undefined && UNAUTHORIZED.has(name)) return new UnauthorizedError(message, { cause: err })
  if (name !== undefined && FORBIDDEN.has(name)) return new ForbiddenError(message, { cause: err })
  if (name === 'HandlerNotFound') return new NotSupportedError(message)
  if ((err instanceof TypeError && err.cause !== undefined) || /fetch failed|ECONNREFUSED|ECONNRESET|HTTPError|status 5\d\d/i.test(message)) {
    return new BackendUnavailableError(message, { cause: err })
  }
  return new StorageError(message, { cause: err })
}
