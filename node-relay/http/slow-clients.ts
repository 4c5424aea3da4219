import type { RelayConfig } from '../config/schema.ts'
import type { FastifyInstance } from 'fastify'

/**
 * Limits against slow and idle clients, from the `http` config (with `headersTimeoutMs` and `idleTimeoutMs`, which
 * the server gets when it is created): at most `maxConnections` at once, and a request body must keep arriving at `minUploadBytesPerSecond` averaged over
 * `uploadRateWindowMs` (a body dribbled a byte every few seconds is cut; a many-GB upload at any real speed is not:
 * there is no total request time limit).
 */
export function guardSlowClients (app: FastifyInstance, http: RelayConfig['http']): void {
  // headersTimeoutMs and idleTimeoutMs are set where the server is created (buildHttpServer)
  app.server.maxConnections = http.maxConnections
  if (http.minUploadBytesPerSecond === 0) return
  const minPerWindow = http.minUploadBytesPerSecond * http.uploadRateWindowMs / 1000
  // a callback hook: a request without a body (most) then costs no promise here
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw
    const hasBody = raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0
    if (!hasBody) {
      done()
      return
    }
    const socket = raw.socket
    let last = socket.bytesRead
    const timer = setInterval(() => {
      if (raw.complete || socket.destroyed) {
        clearInterval(timer)
        return
      }
      const now = socket.bytesRead
      if (now - last < minPerWindow) {
        clearInterval(timer)
        request.log.warn({ code: 'ERR_TIMEOUT', bytes: now - last, windowMs: http.uploadRateWindowMs }, 'request body too slow: connection closed')
        socket.destroy()
        return
      }
      last = now
    }, http.uploadRateWindowMs)
    timer.unref()
    raw.once('close', () => { clearInterval(timer) })
    done()
  })
}
