import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * An AbortSignal that fires when the client goes away: while it is still sending (an upload cut short) or, given the
 * reply, before the answer is fully sent (a download it stopped reading), so the work behind it stops too.
 */
export function abortSignalOf (request: FastifyRequest, reply?: FastifyReply): AbortSignal {
  const controller = new AbortController()
  request.raw.once('close', () => { if (!request.raw.complete) controller.abort(new Error('client closed the request')) })
  reply?.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort(new Error('client went away before the answer was sent')) })
  return controller.signal
}
