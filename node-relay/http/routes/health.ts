import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

interface Check { ok: boolean, detail: string }

/** `/health`: liveness (the process answers) plus readiness detail for the blockstore, libp2p and listeners. */
export function healthRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get('/health', {
    schema: {
      summary: 'Liveness and readiness',
      description: '200 when ready (status `ok`, or `degraded` when stored blocks were found corrupt: see `corruptBlocks`); 503 with the failing checks when not (e.g. while draining on SIGTERM).',
      tags: ['node'],
      response: {
        '2xx': { type: 'object', additionalProperties: true },
        '5xx': { type: 'object', additionalProperties: true }
      }
    }
  }, async (_request, reply) => {
    const checks: Record<string, Check> = {}
    try {
      await ctx.service.content.hasBlock((await import('multiformats/cid')).CID.parse('bafkqaaa'))
      checks.blockstore = { ok: true, detail: 'readable' }
    } catch (err) {
      checks.blockstore = { ok: false, detail: err instanceof Error ? err.message : String(err) }
    }
    const libp2p = ctx.node?.libp2p
    if (libp2p !== undefined) {
      checks.libp2p = { ok: libp2p.status === 'started', detail: libp2p.status }
      const addrs = libp2p.getMultiaddrs().map(String)
      checks.listeners = { ok: addrs.length > 0, detail: addrs.join(' ') }
    }
    checks.draining = { ok: !ctx.draining(), detail: ctx.draining() ? 'shutting down' : 'serving' }
    const ready = Object.values(checks).every(c => c.ok)
    // corrupt blocks do not make the relay unready (a restart repairs nothing; it still serves everything else):
    // they turn the status to `degraded` and are listed, so monitoring sees them (ipfs-kit repo verify --repair)
    const corrupt = ctx.corruption?.report() ?? { seen: 0, recent: [] }
    const status = !ready ? 'unavailable' : corrupt.seen > 0 ? 'degraded' : 'ok'
    return reply.status(ready ? 200 : 503).send({ status, live: true, ready, checks, corruptBlocks: corrupt, uptimeSeconds: Math.round(process.uptime()) })
  })
}
