import { IpfsKitError } from '../../core/errors/index.ts'
import { TruncatedResponseError } from './download.ts'

/**
 * Exit codes scripts can rely on:
 * 0 success · 1 failure on the relay's side (storage, internal) · 2 bad input (usage, invalid CID, bad config) ·
 * 3 not found · 4 relay unreachable · 5 content failed verification · 6 timed out waiting for peers ·
 * 7 not authorised (no, a revoked or a too weak API key) · 130 aborted.
 */
export const EXIT = { ok: 0, internal: 1, invalid: 2, notFound: 3, unreachable: 4, corrupt: 5, timeout: 6, denied: 7, aborted: 130 } as const

/** Codes that are the relay's or the network's fault, not the caller's input. */
const SERVER_SIDE = new Set(['ERR_INTERNAL', 'ERR_STORAGE', 'ERR_STORE_CLOSED', 'ERR_NO_SPACE'])

/** An error reported by the relay's API (`{ code, message }` and the HTTP status). */
export class ApiError extends Error {
  readonly code: string
  readonly status: number
  constructor (code: string, message: string, status: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
  }
}

/** The relay could not be reached at all. */
export class UnreachableError extends Error {
  readonly code = 'ERR_UNREACHABLE'
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'UnreachableError'
  }
}

/** The exit code for an error. */
export function exitCodeFor (err: unknown): number {
  const code = err instanceof IpfsKitError || err instanceof ApiError || err instanceof UnreachableError || err instanceof TruncatedResponseError ? err.code : undefined
  if (code === 'ERR_UNREACHABLE') return EXIT.unreachable
  if (code === 'ERR_NOT_FOUND') return EXIT.notFound
  // the relay ends a response early when a block fails verification after the headers went out
  if (code === 'ERR_BLOCK_CORRUPT' || code === 'ERR_TRUNCATED') return EXIT.corrupt
  if (code === 'ERR_TIMEOUT') return EXIT.timeout
  if (code === 'ERR_ABORTED') return EXIT.aborted
  if (code === 'ERR_UNAUTHORIZED' || code === 'ERR_FORBIDDEN') return EXIT.denied
  if (code !== undefined && !SERVER_SIDE.has(code)) return EXIT.invalid
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('commander.')) return EXIT.invalid
  return EXIT.internal
}

/** Print an error as text (stderr) or JSON (stdout with `--json`). */
export function reportError (err: unknown, json: boolean): void {
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'ERR_INTERNAL'
  const message = err instanceof Error ? err.message : String(err)
  if (json) process.stdout.write(JSON.stringify({ error: { code, message } }) + '\n')
  else process.stderr.write(`error: ${message} (${code})\n`)
}
