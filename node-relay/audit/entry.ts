import { createHash } from 'node:crypto'

/** One audited action. */
export interface AuditAction {
  /** Who: `key:<id> (<name>)`, `local` (no key, zero-config relay) or `anonymous`. */
  actor: string
  /** Client address. */
  ip?: string
  /** What: `POST /api/v1/add`, `mcp ipfs_add`, `keys create`... */
  action: string
  /** The CID, key id or path acted on. */
  target?: string
  /** `ok`, `denied` or `error`. */
  result: 'ok' | 'denied' | 'error'
  /** HTTP status or the MCP error status. */
  status?: number
}

/** A line of the log: an action, chained to the previous line by its hash. */
export interface AuditEntry extends AuditAction {
  type: 'entry'
  seq: number
  at: string
  prev: string
  hash: string
}

/** A line that signs the chain's head with the relay's peer key. */
export interface AuditCheckpoint {
  type: 'checkpoint'
  seq: number
  at: string
  prev: string
  /** The peer id whose key signed (its public key is embedded in it for Ed25519 keys). */
  peerId: string
  /** Base64 protobuf of the public key. */
  publicKey: string
  /** Base64 signature over `prev` (the hash of the line before this one). */
  signature: string
  hash: string
}

/** Any line of the log. */
export type AuditLine = AuditEntry | AuditCheckpoint

/** The hash the chain starts from. */
export const GENESIS = '0'.repeat(64)

/** SHA-256 of a line's JSON without its `hash`, keys in a fixed order (the line as written, minus the hash). */
export function hashOf (line: Omit<AuditLine, 'hash'>): string {
  return createHash('sha256').update(JSON.stringify(line)).digest('hex')
}
