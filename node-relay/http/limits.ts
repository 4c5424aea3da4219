import rateLimit from '@fastify/rate-limit'
import { RateLimitedError } from '../../core/errors/index.ts'
import { isLoopbackHost } from '../auth/safe-bind.ts'
import { routeUrlOf } from './route-url.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** Routes whose bodies are uploads: counted against `limits.maxConcurrentUploads`. */
const UPLOADS = new Set(['POST /api/v1/add', 'POST /api/v1/car', 'POST /api/v1/blocks'])

/** The rate-limit bucket of a request: its API key, else its address. */
function bucketOf (request: { principal?: { id: string }, ip: string }): string {
  return request.principal !== undefined ? `key:${request.principal.id}` : `ip:${request.ip}`
}

/**
 * Request limits: requests per minute per API key and per non-loopback address (@fastify/rate-limit, checked after
 * authentication so a key is counted as itself; 429 `ERR_RATE_LIMITED` with `Retry-After`), and uploads in flight at
 * once. Loopback clients without a key (the local user) are never rate limited.
 */
export async function registerLimits (app: FastifyInstance, config: RelayConfig): Promise<void> {
  const { requestsPerMinutePerKey: perKey, requestsPerMinutePerIp: perIp, maxConcurrentUploads } = config.limits
  // always registered: a key may carry its own rate even when no default rate is set
  await app.register(rateLimit, {
    global: false,
    timeWindow: 60_000,
    keyGenerator: bucketOf,
    max: (request, key) => (key.startsWith('key:') ? request.principal?.requestsPerMinute ?? perKey : perIp) || Number.MAX_SAFE_INTEGER,
    errorResponseBuilder: (_request, context) => new RateLimitedError(`rate limit of ${context.max} requests per minute reached; retry in ${Math.ceil(context.ttl / 1000)} s`)
  })
  const limit = app.rateLimit()
  const exempt = (request: FastifyRequest): boolean => request.principal === undefined
    ? perIp === 0 || isLoopbackHost(request.ip)
    : perKey === 0 && request.principal.requestsPerMinute === undefined
  // the limiter runs after authentication (preHandler), so a key is counted as itself. An exempt request (the local
  // user, or no rate set) skips it in a callback hook: the plugin's own allowList check runs inside an async hook of
  // several awaits on every request, which showed in the profile of small requests (docs/PERFORMANCE.md)
  app.addHook('preHandler', (request, reply, done) => {
    if (exempt(request)) {
      done()
      return
    }
    limit.call(app, request, reply).then(() => { done() }, done)
  })

  let uploads = 0
  // a callback hook: on every request, an async one would cost a promise for a check that is almost always no
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method !== 'POST' || !UPLOADS.has(`POST ${routeUrlOf(request) ?? ''}`)) {
      done()
      return
    }
    if (uploads >= maxConcurrentUploads) {
      done(new RateLimitedError(`${maxConcurrentUploads} uploads are in flight; retry when one finishes (limits.maxConcurrentUploads)`))
      return
    }
    uploads++
    request.raw.once('close', () => { uploads-- })
    done()
  })
}
