import { STATUS_CODES } from 'node:http'
import { pinningFailure } from './routes/pinning.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Answer a refused request with a JSON `{ code, message }` before its body is read. A WebSocket upgrade gets a plain
 * HTTP answer written to its socket, which is then closed (a Fastify reply would leave the upgrade hanging).
 */
export function refuse (request: FastifyRequest, reply: FastifyReply, status: number, body: { code: string, message: string }, headers: Record<string, string> = {}): FastifyReply {
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const text = JSON.stringify(body)
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
    reply.hijack()
    request.raw.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${extra}Connection: close\r\n\r\n${text}`)
    return reply
  }
  // the Pinning Services API's clients expect its own error shape (node-relay/http/routes/pinning.ts)
  if (request.url.startsWith('/pinning/')) return reply.status(status).headers(headers).send(pinningFailure(status, body.code, body.message))
  return reply.status(status).headers(headers).send(body)
}
