import { isIP } from 'node:net'
import { ForbiddenError } from '../../core/errors/index.ts'
import type { RelayConfig } from '../config/schema.ts'

/** Whether an HTTP listen address only accepts connections from this machine. */
export function isLoopbackHost (host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (name === 'localhost' || name === '::1') return true
  return isIP(name) === 4 && name.startsWith('127.')
}

/**
 * Refuse to serve the API beyond this machine with nobody able to tell callers apart: a non-loopback `http.host`
 * needs an API key (or `auth.required`), unless the operator says `--insecure` (`auth.insecure`).
 */
export function assertSafeBind (config: RelayConfig, hasKeys: boolean): void {
  if (isLoopbackHost(config.http.host) || hasKeys || config.auth.required || config.auth.insecure) return
  throw new ForbiddenError(
    `refusing to listen on ${config.http.host} without API keys: anyone who can reach it could add, pin and delete. ` +
    'Create a key first (ipfs-kit keys create --name admin --role admin, with the relay stopped), ' +
    'or start with --insecure on a network you trust (docs/SECURITY.md)')
}
