/**
 * Translate what @huggingface/hub throws into ipfs-kit's typed errors, at the boundary: a Hub 404
 * (`EntryNotFound`, `RepoNotFound`, `RevisionNotFound`) is `ERR_NOT_FOUND`, 401 is `ERR_UNAUTHORIZED`,
 * 403 is `ERR_FORBIDDEN`, 429/5xx and unreachable hosts are `ERR_BACKEND_UNAVAILABLE`, anything else the Hub
 * refuses is `ERR_STORAGE`. Aborts pass through untouched.
 */
import { HubApiError } from '@huggingface/hub'
import { ForbiddenError, IpfsKitError, NotFoundError, StorageError, UnauthorizedError } from '../../../core/errors/index.ts'
import { BackendUnavailableError } from '../../../core/storage/index.ts'

function isAbort (err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
}

/** fetch's failure to reach a host (`TypeError: fetch failed`, with the socket error as its cause). */
function isNetworkError (err: unknown): boolean {
  return err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated' || err.cause !== undefined)
}

/**
 * The typed error for a failure of `what` (e.g. `put bafy...`) on the Hub.
 *
 * @example
 * ```ts
 * try { await commit(...) } catch (err) { throw translateHubError(err, `put ${root}`) }
 * ```
 */
export function translateHubError (err: unknown, what: string): unknown {
  if (err instanceof IpfsKitError || isAbort(err)) return err
  if (err instanceof HubApiError) return errorForStatus(err.statusCode, `${what}: ${err.message}`, err)
  const message = err instanceof Error ? err.message : String(err)
  if (isNetworkError(err)) return new BackendUnavailableError(`Hugging Face Hub unreachable: ${what}: ${message}`, { cause: err })
  return new StorageError(`Hugging Face Hub: ${what}: ${message}`, { cause: err })
}

/** The typed error for an HTTP status the Hub (or its LFS storage) answered with. */
export function errorForStatus (status: number, detail: string, cause?: unknown): IpfsKitError {
  const message = `Hugging Face Hub: ${detail}`
  if (status === 404) return new NotFoundError(message)
  if (status === 401) return new UnauthorizedError(message, { cause })
  if (status === 403) return new ForbiddenError(message, { cause })
  if (status === 429 || status >= 500) return new BackendUnavailableError(message, { cause })
  return new StorageError(message, { cause })
}
