import { IpfsKitError } from '../errors/index.ts'

/** The backend cannot do this (its capability is false, e.g. `put` on a read-only gateway backend). */
export class NotSupportedError extends IpfsKitError {
  static readonly code = 'ERR_NOT_SUPPORTED'
  constructor (message: string) {
    super('ERR_NOT_SUPPORTED', message)
    this.name = 'NotSupportedError'
  }
}

/** The backend's service cannot be reached or refused to work (connection refused, 5xx, bad credentials). */
export class BackendUnavailableError extends IpfsKitError {
  static readonly code = 'ERR_BACKEND_UNAVAILABLE'
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_BACKEND_UNAVAILABLE', message, options)
    this.name = 'BackendUnavailableError'
  }
}
