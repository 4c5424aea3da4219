import { CID } from 'multiformats/cid'
import { plainJsonSerializer } from '../json-serializer.ts'
import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

interface Check { ok: boolean, detail: string }

/** An identity CID of no bytes: asking the blockstore for it proves the store answers, without touching a disk. */
const PROBE = CID.parse('bafkqaaa')
/** How long the listener addresses are reused: libp2p recomputes them on every call, the dearest part of a check. */
const LISTENERS_TTL_MS = 1000

/** `/health`: liveness (the process answers) plus readiness detail for the blockstore, libp2p and listeners. */
export function healthRoutes (app: FastifyInstance, ctx: HttpContext): void {
  const listeners = { at: -Infinity, addrs: [] as string[] }
  const listenAddrs = (libp2p: NonNullable<HttpContext['node']>['libp2p']): string[] => {
    const now = performance.now()
    if (now - listeners.at > LISTENERS_TTL_MS) {
      listeners.addrs = libp2p.getMultiaddrs().map(String)
      listeners.at = now
    }
    return listeners.addrs
  }
  app.get('/health', {
    schema: {
      summary: 'Liveness and readiness',
      description: '200 when ready (status `ok`, or `degraded` when stored blocks were found corrupt: see `corruptBlocks`); 503 with the failing checks when not (e.g. while draining on SIGTERM).',
      tags: ['node'],
      response: {
        '2xx': { type: 'object', additionalProperties: true },
        '5xx': { type: 'object', additionalProperties: true }
      }
    },
    // the schema above is for OpenAPI only
    serializerCompiler: plainJsonSerializer
  }, async (_request, reply) => {
    const checks: Record<string, Check> = {}
    try {
      await ctx.service.content.hasBlock(PROBE)
      checks.blockstore = { ok: true, detail: 'readable' }
    } catch (err) {
      checks.blockstore = { ok: false, detail: err instanceof Error ? err.message : String(err) }
    }
    const libp2p = ctx.node?.libp2p
    if (libp2p !== undefined) {
      checks.libp2p = { ok: libp2p.status === 'started', detail: libp2p.status }
      const addrs = libp2p.status === 'started' ? listenAddrs(libp2p) : []
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
