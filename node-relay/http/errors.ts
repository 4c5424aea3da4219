import { IpfsKitError, statusForCode } from '../../core/errors/index.ts'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { logErrorAnswer } from './error-log.ts'

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string
  message: string
  /** The bad input field, when the error names one (search's `ERR_INVALID_QUERY`: `filters.minSize`). */
  field?: string
}

/** JSON schema of {@link ErrorBody}, for OpenAPI. */
export const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string', description: 'stable error code, e.g. ERR_NOT_FOUND' }, message: { type: 'string' }, field: { type: 'string', description: 'the bad input field, when one is named' } }
} as const

function isFastifyError (err: unknown): err is FastifyError {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('FST_')
}

/** Map any thrown value to a status and `{ code, message }`, using the one table in core/errors/status.ts. */
export function toErrorResponse (err: unknown): { status: number, body: ErrorBody } {
  if (err instanceof IpfsKitError) {
    const field = 'field' in err && typeof err.field === 'string' ? { field: err.field } : {}
    return { status: statusForCode(err.code), body: { code: err.code, message: err.message, ...field } }
  }
  if (err instanceof Error && err.name === 'AbortError') return { status: statusForCode('ERR_ABORTED'), body: { code: 'ERR_ABORTED', message: 'request aborted' } }
  if (err instanceof Error && 'validation' in err) return { status: statusForCode('ERR_INVALID_INPUT'), body: { code: 'ERR_INVALID_INPUT', message: err.message } }
  if (isFastifyError(err)) {
    const status = err.statusCode ?? 500
    if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: statusForCode('ERR_TOO_LARGE'), body: { code: 'ERR_TOO_LARGE', message: err.message } }
    if (status < 500) return { status, body: { code: 'ERR_INVALID_INPUT', message: err.message } }
  }
  return { status: statusForCode('ERR_INTERNAL'), body: { code: 'ERR_INTERNAL', message: 'internal error' } }
}

/** The stable code an error is answered with (`ERR_INTERNAL` when it has none). */
export function codeOf (err: unknown): string {
  return toErrorResponse(err).body.code
}

/**
 * Fastify error handler: typed JSON errors with the request id in `x-request-id` (the log line's `reqId`), logged
 * by `logErrorAnswer` (unexpected 5xx at error with the stack; timeouts and other expected ones at warn, 4xx at info).
 */
export function handleError (err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(err)
  logErrorAnswer(request.log, err, status, body.code, 'request failed', { method: request.method, route: request.routeOptions.url ?? 'unmatched' })
  // RFC 9110 § 15.5.17: a 416 says how large the representation is
  if (status === 416 && err instanceof Error && 'size' in err && typeof err.size === 'number' && !reply.sent) void reply.header('content-range', `bytes */${err.size}`)
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy(err instanceof Error ? err : undefined)
    return
  }
  void reply.status(status).type('application/json').header('x-request-id', request.id).send(body)
}
