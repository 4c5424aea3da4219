import { defineError } from '../errors/index.ts'

/** The backend cannot do this (its capability is false, e.g. `put` on a read-only gateway backend). */
export const NotSupportedError = defineError('ERR_NOT_SUPPORTED', 'NotSupportedError')
/** An instance of {@link NotSupportedError}. */
export type NotSupportedError = InstanceType<typeof NotSupportedError>

/** The backend's service cannot be reached or refused to work (connection refused, 5xx, bad credentials). */
export const BackendUnavailableError = defineError('ERR_BACKEND_UNAVAILABLE', 'BackendUnavailableError')
/** An instance of {@link BackendUnavailableError}. */
export type BackendUnavailableError = InstanceType<typeof BackendUnavailableError>
