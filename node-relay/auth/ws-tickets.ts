import { randomBytes } from 'node:crypto'
import type { ApiKeyInfo } from './key-store.ts'

/**
 * One-time tickets for `/ws`: a browser cannot put `Authorization` on a WebSocket, so it asks
 * `POST /api/v1/ws-ticket` (with its key) for a short-lived ticket and opens `/ws?ticket=…`. A ticket works once.
 */
export class WsTickets {
  private readonly tickets = new Map<string, { principal: ApiKeyInfo | undefined, expires: number }>()

  private readonly ttlMs: number

  constructor (ttlMs = 60_000) {
    this.ttlMs = ttlMs
  }

  /** Issue a ticket for the caller (no principal: the local zero-config user). */
  issue (principal: ApiKeyInfo | undefined): { ticket: string, expiresInMs: number } {
    this.sweep()
    const ticket = randomBytes(18).toString('base64url')
    this.tickets.set(ticket, { principal, expires: Date.now() + this.ttlMs })
    return { ticket, expiresInMs: this.ttlMs }
  }

  /** Use a ticket: its principal when valid (then it is gone), `false` when unknown or expired. */
  redeem (ticket: string): { principal: ApiKeyInfo | undefined } | false {
    const entry = this.tickets.get(ticket)
    this.tickets.delete(ticket)
    if (entry === undefined || entry.expires < Date.now()) return false
    return { principal: entry.principal }
  }

  private sweep (): void {
    const now = Date.now()
    for (const [ticket, entry] of this.tickets) if (entry.expires < now) this.tickets.delete(ticket)
  }
}
