import { LogController } from 'fastify'
import { routeUrlOf } from './route-url.ts'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Fastify's per-request logging, made quiet: one line per completed request at debug (the incoming one at trace),
 * so nothing at the default `info`; a request slower than `slowRequestMs` is a warn, a response stream cut by the
 * client is debug. Error answers are logged by the error handler (`http/errors.ts`), with their code, once.
 */
export class RelayLogController extends LogController {
  private readonly slowRequestMs: number

  /** @param slowRequestMs - a request that takes longer is logged at warn (0: never) */
  constructor (slowRequestMs: number) {
    super({})
    this.slowRequestMs = slowRequestMs
  }

  override incomingRequest (request: FastifyRequest): void {
    request.log.trace({ method: request.method, url: request.url }, 'request')
  }

  override requestCompleted (_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const ms = Math.round(reply.elapsedTime)
    const fields = { method: request.method, route: routeUrlOf(request) ?? 'unmatched', status: reply.statusCode, ms }
    if (this.slowRequestMs > 0 && ms >= this.slowRequestMs) reply.log.warn({ ...fields, url: request.url }, 'slow request')
    else reply.log.debug(fields, 'request completed')
  }

  override defaultErrorLog (error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) reply.log.error({ err: error, code: 'ERR_INTERNAL', status: reply.statusCode }, 'request failed')
    else reply.log.info({ error: error.message, status: reply.statusCode }, 'request refused')
  }

  override streamError (error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    const code = 'code' in error ? String(error.code) : undefined
    // Node's premature-close code: the client left mid-download, nothing went wrong here
    if (code !== undefined && code.endsWith('_STREAM_PREMATURE_CLOSE')) reply.log.debug({ code }, 'client closed the response stream')
    else reply.log.warn({ code: code ?? 'ERR_INTERNAL', error: error.message }, 'response cut after its headers went out')
  }

  override routeNotFound (request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'no route')
  }

  override serviceUnavailable (logger: FastifyBaseLogger): void {
    logger.debug({ status: 503 }, 'refused a request: the relay is stopping')
  }
}
