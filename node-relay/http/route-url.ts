import type { FastifyRequest } from 'fastify'

/** Route patterns already looked up, per request (weakly held: gone with the request). */
const URLS = new WeakMap<FastifyRequest, string | undefined>()

/**
 * The route pattern a request matched (`/api/v1/cat/:cid`), or undefined when none did. Fastify's
 * `request.routeOptions` builds a fresh twelve-field object on every access, and the guards, limits, audit, metrics
 * and request log each need the pattern: the profile of small requests showed it, so it is read once per request.
 */
export function routeUrlOf (request: FastifyRequest): string | undefined {
  if (URLS.has(request)) return URLS.get(request)
  const url = request.routeOptions.url
  URLS.set(request, url)
  return url
}
