/**
 * The ceiling the relay's small GETs are compared with: a bare Fastify server (same version as the relay, no
 * plugins, no logger, no hooks) answering `GET /bytes` with the same 1 KiB body from memory, and `GET /health` with
 * a small JSON object, as the relay's health check answers. Whatever a request to the relay costs beyond this is the
 * relay's own work. Run as its own process by `bench/http.ts`:
 * `node bench/lib/bare-server.ts`; prints `http <url>` on stderr once listening, stops on SIGTERM.
 */
import Fastify from 'fastify'

const BODY = Buffer.alloc(1024, 0x61)

const app = Fastify({ logger: false })
app.get('/bytes', async (_request, reply) => reply.type('application/octet-stream').send(BODY))
app.get('/health', async () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }))
const url = await app.listen({ host: '127.0.0.1', port: 0 })
process.stderr.write(`http ${url}\n`)
process.once('SIGTERM', () => {
  app.close().then(() => { process.exit(0) }, () => { process.exit(1) })
})
