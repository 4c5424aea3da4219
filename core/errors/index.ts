/**
 * @packageDocumentation
 *
 * Typed errors shared by every part of ipfs-kit. Each class has a stable `code`; the HTTP API and the MCP
 * server map codes to statuses through {@link ERROR_STATUS} so one failure reads the same everywhere.
 * Tests assert `code`, never message text.
 *
 * @example
 * ```ts
 * try { await content.cat(cid) } catch (err) {
 *   if (isIpfsKitError(err) && err.code === 'ERR_BLOCK_CORRUPT') { ... }
 * }
 * ```
 */

export { ERROR_STATUS, statusForCode } from './status.ts'
export type { ErrorCode } from './status.ts'
import type { ErrorCode } from './status.ts'

/** Base class of every error ipfs-kit raises on purpose. */
export class IpfsKitError extends Error {
  /** Stable machine-readable code, e.g. `ERR_BLOCK_CORRUPT`. */
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = 'IpfsKitError'
  }
}

/** A block's bytes do not hash to the multihash of the CID they were stored under. */
export class BlockCorruptError extends IpfsKitError {
  static readonly code = 'ERR_BLOCK_CORRUPT'
  constructor (message: string) {
    super('ERR_BLOCK_CORRUPT', message)
    this.name = 'BlockCorruptError'
  }
}

/** A block is larger than the configured limit (2 MiB by default). */
export class BlockTooLargeError extends IpfsKitError {
  static readonly code = 'ERR_BLOCK_TOO_LARGE'
  constructor (message: string) {
    super('ERR_BLOCK_TOO_LARGE', message)
    this.name = 'BlockTooLargeError'
  }
}

/**
 * Nothing is stored under the key. The `name` is `NotFoundError` to match `interface-store`, so code written
 * against any blockstore (Helia's, js-stores') recognises it.
 */
export class NotFoundError extends IpfsKitError {
  static readonly code = 'ERR_NOT_FOUND'
  constructor (message: string) {
    super('ERR_NOT_FOUND', message)
    this.name = 'NotFoundError'
  }
}

/** A string or byte array is not a valid CID. */
export class InvalidCidError extends IpfsKitError {
  static readonly code = 'ERR_INVALID_CID'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_INVALID_CID', message, options)
    this.name = 'InvalidCidError'
  }
}

/** A CAR stream is malformed (bad header, truncated block, bad varint...). */
export class InvalidCarError extends IpfsKitError {
  static readonly code = 'ERR_INVALID_CAR'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_INVALID_CAR', message, options)
    this.name = 'InvalidCarError'
  }
}

/** The CID uses a hash function this node cannot verify. */
export class UnsupportedHashError extends IpfsKitError {
  static readonly code = 'ERR_UNSUPPORTED_HASH'
  constructor (message: string) {
    super('ERR_UNSUPPORTED_HASH', message)
    this.name = 'UnsupportedHashError'
  }
}

/** The CID uses an IPLD codec this node cannot decode to walk a DAG. */
export class UnsupportedCodecError extends IpfsKitError {
  static readonly code = 'ERR_UNSUPPORTED_CODEC'
  constructor (message: string) {
    super('ERR_UNSUPPORTED_CODEC', message)
    this.name = 'UnsupportedCodecError'
  }
}

/** A byte range cannot be satisfied (negative, or starts past the end). */
export class InvalidRangeError extends IpfsKitError {
  static readonly code = 'ERR_INVALID_RANGE'
  constructor (message: string) {
    super('ERR_INVALID_RANGE', message)
    this.name = 'InvalidRangeError'
  }
}

/** An operation that needs a file got a directory (or another non-file node). */
export class NotAFileError extends IpfsKitError {
  static readonly code = 'ERR_NOT_A_FILE'
  constructor (message: string) {
    super('ERR_NOT_A_FILE', message)
    this.name = 'NotAFileError'
  }
}

/** An operation that needs a directory got a file. */
export class NotADirectoryError extends IpfsKitError {
  static readonly code = 'ERR_NOT_A_DIRECTORY'
  constructor (message: string) {
    super('ERR_NOT_A_DIRECTORY', message)
    this.name = 'NotADirectoryError'
  }
}

/** Input failed validation (options, paths, sizes). */
export class InvalidInputError extends IpfsKitError {
  static readonly code = 'ERR_INVALID_INPUT'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_INVALID_INPUT', message, options)
    this.name = 'InvalidInputError'
  }
}

/** The store is closed or could not be opened. */
export class StoreClosedError extends IpfsKitError {
  static readonly code = 'ERR_STORE_CLOSED'
  constructor (message: string) {
    super('ERR_STORE_CLOSED', message)
    this.name = 'StoreClosedError'
  }
}

/** A storage layer failed underneath us (disk full, IndexedDB quota, I/O error). */
export class StorageError extends IpfsKitError {
  static readonly code = 'ERR_STORAGE'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_STORAGE', message, options)
    this.name = 'StorageError'
  }
}

/** The disk (or quota) is full: nothing more can be stored until space is freed. Reads keep working. */
export class NoSpaceError extends IpfsKitError {
  static readonly code = 'ERR_NO_SPACE'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_NO_SPACE', message, options)
    this.name = 'NoSpaceError'
  }
}

/** Content could not be fetched from peers within the allowed time. */
export class TimeoutError extends IpfsKitError {
  static readonly code = 'ERR_TIMEOUT'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_TIMEOUT', message, options)
    this.name = 'TimeoutError'
  }
}

/** The content would not fit in the storage left to this origin or store; refused before anything is written. */
export class QuotaExceededError extends IpfsKitError {
  static readonly code = 'ERR_QUOTA_EXCEEDED'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_QUOTA_EXCEEDED', message, options)
    this.name = 'QuotaExceededError'
  }
}

/** A service refused our credentials: missing, malformed, expired or unknown (a token, a UCAN proof). */
export class UnauthorizedError extends IpfsKitError {
  static readonly code = 'ERR_UNAUTHORIZED'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_UNAUTHORIZED', message, options)
    this.name = 'UnauthorizedError'
  }
}

/** A service knows our credentials but they do not allow this operation (e.g. a read-only token writing). */
export class ForbiddenError extends IpfsKitError {
  static readonly code = 'ERR_FORBIDDEN'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_FORBIDDEN', message, options)
    this.name = 'ForbiddenError'
  }
}

/** Too many requests from one key or address, or too many uploads at once: retry later (`Retry-After`). */
export class RateLimitedError extends IpfsKitError {
  static readonly code = 'ERR_RATE_LIMITED'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_RATE_LIMITED', message, options)
    this.name = 'RateLimitedError'
  }
}

/**
 * Bytes a client sent do not hash to the CID it gave (a block put, a CAR import): the client's mistake, 400. A
 * stored block that fails the same check on read is {@link BlockCorruptError}, 502.
 */
export class CidMismatchError extends IpfsKitError {
  static readonly code = 'ERR_CID_MISMATCH'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_CID_MISMATCH', message, options)
    this.name = 'CidMismatchError'
  }
}

/** True when `err` is one of ours (has a known stable code). */
export function isIpfsKitError (err: unknown): err is IpfsKitError {
  return err instanceof IpfsKitError
}
