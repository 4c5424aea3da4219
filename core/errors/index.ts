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

/** An error class made by {@link defineError}: a fixed code from the status table, and a `name`. */
export interface IpfsKitErrorClass<C extends ErrorCode> {
  new (message: string, options?: ErrorOptions): IpfsKitError & { readonly code: C }
  /** The code every instance carries. */
  readonly code: C
}

/**
 * Define an error class for one code of the status table (core/errors/status.ts): every error ipfs-kit raises is
 * made this way (or extends {@link IpfsKitError} when it carries more, like `InvalidQueryError`'s `field`), so a code
 * outside the table does not compile, and `test/unit/error-codes.test.ts` finds any code literal that is not in it.
 *
 * @example
 * ```ts
 * export const NotFoundError = defineError('ERR_NOT_FOUND', 'NotFoundError')
 * throw new NotFoundError(`${cid} not found`)
 * ```
 */
export function defineError<C extends ErrorCode> (code: C, name: string): IpfsKitErrorClass<C> {
  const defined = class extends IpfsKitError {
    static readonly code = code
    constructor (message: string, options?: ErrorOptions) {
      super(code, message, options)
      this.name = name
    }
  }
  Object.defineProperty(defined, 'name', { value: name })
  return defined as unknown as IpfsKitErrorClass<C>
}

/** A block's bytes do not hash to the multihash of the CID they were stored under. */
export const BlockCorruptError = defineError('ERR_BLOCK_CORRUPT', 'BlockCorruptError')
/** An instance of {@link BlockCorruptError}. */
export type BlockCorruptError = InstanceType<typeof BlockCorruptError>

/** Content is bigger than a limit allows: a tool's inline answer, or what a backend may take (`storage.maxBytes`). */
export const TooLargeError = defineError('ERR_TOO_LARGE', 'TooLargeError')
/** An instance of {@link TooLargeError}. */
export type TooLargeError = InstanceType<typeof TooLargeError>

/** A block is larger than the configured limit (2 MiB by default). */
export const BlockTooLargeError = defineError('ERR_BLOCK_TOO_LARGE', 'BlockTooLargeError')
/** An instance of {@link BlockTooLargeError}. */
export type BlockTooLargeError = InstanceType<typeof BlockTooLargeError>

/**
 * Nothing is stored under the key. The `name` is `NotFoundError` to match `interface-store`, so code written
 * against any blockstore (Helia's, js-stores') recognises it.
 */
export const NotFoundError = defineError('ERR_NOT_FOUND', 'NotFoundError')
/** An instance of {@link NotFoundError}. */
export type NotFoundError = InstanceType<typeof NotFoundError>

/** A string or byte array is not a valid CID. */
export const InvalidCidError = defineError('ERR_INVALID_CID', 'InvalidCidError')
/** An instance of {@link InvalidCidError}. */
export type InvalidCidError = InstanceType<typeof InvalidCidError>

/** A CAR stream is malformed (bad header, truncated block, bad varint...). */
export const InvalidCarError = defineError('ERR_INVALID_CAR', 'InvalidCarError')
/** An instance of {@link InvalidCarError}. */
export type InvalidCarError = InstanceType<typeof InvalidCarError>

/** The CID uses a hash function this node cannot verify. */
export const UnsupportedHashError = defineError('ERR_UNSUPPORTED_HASH', 'UnsupportedHashError')
/** An instance of {@link UnsupportedHashError}. */
export type UnsupportedHashError = InstanceType<typeof UnsupportedHashError>

/** The CID uses an IPLD codec this node cannot decode to walk a DAG. */
export const UnsupportedCodecError = defineError('ERR_UNSUPPORTED_CODEC', 'UnsupportedCodecError')
/** An instance of {@link UnsupportedCodecError}. */
export type UnsupportedCodecError = InstanceType<typeof UnsupportedCodecError>

/** A byte range cannot be satisfied (negative, or starts past the end). */
export const InvalidRangeError = defineError('ERR_INVALID_RANGE', 'InvalidRangeError')
/** An instance of {@link InvalidRangeError}. */
export type InvalidRangeError = InstanceType<typeof InvalidRangeError>

/** An operation that needs a file got a directory (or another non-file node). */
export const NotAFileError = defineError('ERR_NOT_A_FILE', 'NotAFileError')
/** An instance of {@link NotAFileError}. */
export type NotAFileError = InstanceType<typeof NotAFileError>

/** An operation that needs a directory got a file. */
export const NotADirectoryError = defineError('ERR_NOT_A_DIRECTORY', 'NotADirectoryError')
/** An instance of {@link NotADirectoryError}. */
export type NotADirectoryError = InstanceType<typeof NotADirectoryError>

/** Input failed validation (options, paths, sizes). */
export const InvalidInputError = defineError('ERR_INVALID_INPUT', 'InvalidInputError')
/** An instance of {@link InvalidInputError}. */
export type InvalidInputError = InstanceType<typeof InvalidInputError>

/** The store is closed or could not be opened. */
export const StoreClosedError = defineError('ERR_STORE_CLOSED', 'StoreClosedError')
/** An instance of {@link StoreClosedError}. */
export type StoreClosedError = InstanceType<typeof StoreClosedError>

/** A storage layer failed underneath us (disk full, IndexedDB quota, I/O error). */
export const StorageError = defineError('ERR_STORAGE', 'StorageError')
/** An instance of {@link StorageError}. */
export type StorageError = InstanceType<typeof StorageError>

/** The disk (or quota) is full: nothing more can be stored until space is freed. Reads keep working. */
export const NoSpaceError = defineError('ERR_NO_SPACE', 'NoSpaceError')
/** An instance of {@link NoSpaceError}. */
export type NoSpaceError = InstanceType<typeof NoSpaceError>

/** Content could not be fetched from peers within the allowed time. */
export const TimeoutError = defineError('ERR_TIMEOUT', 'TimeoutError')
/** An instance of {@link TimeoutError}. */
export type TimeoutError = InstanceType<typeof TimeoutError>

/** The content would not fit in the storage left to this origin or store; refused before anything is written. */
export const QuotaExceededError = defineError('ERR_QUOTA_EXCEEDED', 'QuotaExceededError')
/** An instance of {@link QuotaExceededError}. */
export type QuotaExceededError = InstanceType<typeof QuotaExceededError>

/** A service refused our credentials: missing, malformed, expired or unknown (a token, a UCAN proof). */
export const UnauthorizedError = defineError('ERR_UNAUTHORIZED', 'UnauthorizedError')
/** An instance of {@link UnauthorizedError}. */
export type UnauthorizedError = InstanceType<typeof UnauthorizedError>

/** A service knows our credentials but they do not allow this operation (e.g. a read-only token writing). */
export const ForbiddenError = defineError('ERR_FORBIDDEN', 'ForbiddenError')
/** An instance of {@link ForbiddenError}. */
export type ForbiddenError = InstanceType<typeof ForbiddenError>

/** Too many requests from one key or address, or too many uploads at once: retry later (`Retry-After`). */
export const RateLimitedError = defineError('ERR_RATE_LIMITED', 'RateLimitedError')
/** An instance of {@link RateLimitedError}. */
export type RateLimitedError = InstanceType<typeof RateLimitedError>

/**
 * Bytes a client sent do not hash to the CID it gave (a block put, a CAR import): the client's mistake, 400. A
 * stored block that fails the same check on read is {@link BlockCorruptError}, 502.
 */
export const CidMismatchError = defineError('ERR_CID_MISMATCH', 'CidMismatchError')
/** An instance of {@link CidMismatchError}. */
export type CidMismatchError = InstanceType<typeof CidMismatchError>

/**
 * Encrypted content could not be decrypted: no key given matches a recipient, or the ciphertext was tampered with or
 * truncated (the AEAD tag or the header MAC fails). Never returned as garbage plaintext.
 */
export const DecryptError = defineError('ERR_DECRYPT', 'DecryptError')
/** An instance of {@link DecryptError}. */
export type DecryptError = InstanceType<typeof DecryptError>

/** Bytes are not in a format this node reads: e.g. an encrypted file that is not age v1 (`age-encryption.org/v1`). */
export const UnsupportedFormatError = defineError('ERR_UNSUPPORTED_FORMAT', 'UnsupportedFormatError')
/** An instance of {@link UnsupportedFormatError}. */
export type UnsupportedFormatError = InstanceType<typeof UnsupportedFormatError>

/** True when `err` is one of ours (has a known stable code). */
export function isIpfsKitError (err: unknown): err is IpfsKitError {
  return err instanceof IpfsKitError
}
