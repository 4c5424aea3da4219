import { defineError, IpfsKitError } from '../errors/index.ts'

/** A search query or filter is malformed; `field` names the bad one (e.g. `filters.minSize`). */
export class InvalidQueryError extends IpfsKitError {
  static readonly code = 'ERR_INVALID_QUERY'
  /** Dotted path of the offending field (`query`, `filters.mime.0`, ...). */
  readonly field: string

  constructor (field: string, message: string) {
    super('ERR_INVALID_QUERY', `${field}: ${message}`)
    this.name = 'InvalidQueryError'
    this.field = field
  }
}

/** A snapshot cannot be loaded: wrong format, version or embedder. The index must then be rebuilt. */
export const SnapshotMismatchError = defineError('ERR_SNAPSHOT_MISMATCH', 'SnapshotMismatchError')
/** An instance of {@link SnapshotMismatchError}. */
export type SnapshotMismatchError = InstanceType<typeof SnapshotMismatchError>
