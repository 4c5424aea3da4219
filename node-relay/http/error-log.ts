import type { FastifyBaseLogger } from 'fastify'

/**
 * 5xx codes that report a condition of the moment, not a bug: a timeout, an unreachable backend, a full disk, a
 * relay shutting down. They are logged at warn, without a stack; every other 5xx is an error with its stack.
 */
const EXPECTED_SERVER_CODES = new Set(['ERR_TIMEOUT', 'ERR_BACKEND_UNAVAILABLE', 'ERR_STORE_CLOSED', 'ERR_CLUSTER_DISABLED', 'ERR_NOT_SUPPORTED', 'ERR_NO_SPACE', 'ERR_QUOTA_EXCEEDED', 'ERR_UNREACHABLE'])

/** The level an error answer is logged at. */
export type ErrorLogLevel = 'debug' | 'info' | 'warn' | 'error'

/**
 * How loudly to log an error answered with `status` and `code`: a client that went away at debug, other 4xx (the
 * client's mistake) at info, expected 5xx ({@link EXPECTED_SERVER_CODES}) at warn, the rest at error.
 */
export function errorLogLevel (status: number, code: string): ErrorLogLevel {
  if (code === 'ERR_ABORTED') return 'debug'
  if (status < 500) return 'info'
  return EXPECTED_SERVER_CODES.has(code) ? 'warn' : 'error'
}

/**
 * Log an error answer: always with its `code` and `status` (the request's logger adds `reqId`); the stack only at
 * error level, where it is a bug to find — a timeout's stack says nothing.
 *
 * @example
 * ```ts
 * logErrorAnswer(request.log, err, 504, 'ERR_TIMEOUT', 'request failed') // warn, { code, status, error }
 * ```
 */
export function logErrorAnswer (log: FastifyBaseLogger, err: unknown, status: number, code: string, msg: string, fields: Record<string, unknown> = {}): void {
  const level = errorLogLevel(status, code)
  if (level === 'error') {
    log.error({ ...fields, code, status, err }, msg)
    return
  }
  const message = err instanceof Error ? err.message : String(err)
  log[level]({ ...fields, code, status, error: message }, msg)
}
