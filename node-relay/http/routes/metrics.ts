import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

/** `/metrics` in the Prometheus text format. */
export function metricsRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['node'] } }, async (_request, reply) => {
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics())
  })
}
