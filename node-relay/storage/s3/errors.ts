import { IpfsKitError, NotFoundError, StorageError } from '../../../core/errors/index.ts'
import { BackendUnavailableError } from '../../../core/storage/index.ts'

/** The parts of an AWS SDK error we look at. */
interface SdkErrorShape {
  name?: unknown
  code?: unknown
  $metadata?: { httpStatusCode?: number }
}

function shape (err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? err : {}
}

/** Codes of Node network errors meaning the service cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'])

/** True when an SDK error is a 404 (`NoSuchKey`, `NotFound`, `NoSuchBucket` on a key read). */
export function isS3NotFound (err: unknown): boolean {
  const { name, $metadata } = shape(err)
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404
}

/**
 * Translate an AWS SDK error at the boundary: 404 → `ERR_NOT_FOUND`, network failures, 5xx and 403 →
 * `ERR_BACKEND_UNAVAILABLE`, aborts stay `AbortError`, our own typed errors (corrupt blocks) pass through.
 */
export function translateS3Error (err: unknown, what: string): unknown {
  if (err instanceof IpfsKitError) return err
  const { name, code, $metadata } = shape(err)
  if (name === 'AbortError') return err
  if (isS3NotFound(err)) return new NotFoundError(`${what}: no such object`)
  const message = err instanceof Error ? err.message : String(err)
  const status = $metadata?.httpStatusCode
  if ((typeof code === 'string' && UNREACHABLE.has(code)) || status === undefined || status >= 500 || status === 403 || status === 401) {
    return new BackendUnavailableError(`${what}: S3 unavailable (${typeof name === 'string' ? name : 'error'}${status === undefined ? '' : ` ${status}`}): ${message}`, { cause: err })
  }
  return new StorageError(`${what}: S3 error ${status}: ${message}`, { cause: err })
}
