import { IpfsKitError } from '../errors/index.ts'
import { BackendUnavailableError } from './errors.ts'
import type { CID } from 'multiformats/cid'

/** Error codes from most to least telling, to pick the one error a read that tried several sources reports. */
const SEVERITY = ['ERR_BLOCK_CORRUPT', 'ERR_INVALID_CAR', 'ERR_BACKEND_UNAVAILABLE', 'ERR_TIMEOUT']

/**
 * The one error a read that tried several sources reports: `ERR_NOT_FOUND` only when every source said so, else
 * the most telling failure (corrupt data first, then outages).
 */
export function pickReadError (errors: unknown[], root: CID): unknown {
  if (errors.length === 0) return new BackendUnavailableError(`no source to read ${root.toString()} from`)
  const typed = errors.filter((e): e is IpfsKitError => e instanceof IpfsKitError)
  if (typed.length === errors.length && typed.every(e => e.code === 'ERR_NOT_FOUND')) return typed[0]
  for (const code of SEVERITY) {
    const found = typed.find(e => e.code === code)
    if (found !== undefined) return found
  }
  return typed.find(e => e.code !== 'ERR_NOT_FOUND') ?? new BackendUnavailableError(`every source failed for ${root.toString()}`, { cause: errors[0] })
}
