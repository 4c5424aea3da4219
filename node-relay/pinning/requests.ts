/**
 * @packageDocumentation
 *
 * The IPFS Pinning Services API (ipfs/pinning-services-api-spec) over the cluster's pinset: a pin request is a
 * cluster pin whose metadata carries the request's id, creation time, origins, owner and `meta` (keys prefixed
 * `psa.`), so requests survive restarts and replicate with the pinset, and a request's status is the cluster's view
 * of that pin. Pure functions here; the routes are in node-relay/http/routes/pinning.ts.
 */
import type { CidStatus } from '../../core/cluster/index.ts'

/** A pin request's status, as the spec names them. */
export type PinRequestStatus = 'queued' | 'pinning' | 'pinned' | 'failed'

/** The spec's `Pin` object. */
export interface SpecPin {
  cid: string
  name?: string
  origins?: string[]
  meta?: Record<string, string>
}

/** The spec's `PinStatus` object. */
export interface SpecPinStatus {
  requestid: string
  status: PinRequestStatus
  created: string
  pin: SpecPin
  delegates: string[]
  info?: Record<string, string>
}

/** Metadata keys of a cluster pin that hold the request. */
export const KEY = { requestid: 'psa.requestid', created: 'psa.created', origins: 'psa.origins', owner: 'psa.owner', meta: 'psa.meta.' } as const

/** The cluster pin metadata that records a request. */
export function requestMetadata (requestid: string, created: Date, pin: SpecPin, owner: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = { [KEY.requestid]: requestid, [KEY.created]: created.toISOString() }
  if (pin.origins !== undefined && pin.origins.length > 0) metadata[KEY.origins] = JSON.stringify(pin.origins)
  if (owner !== undefined) metadata[KEY.owner] = owner
  for (const [key, value] of Object.entries(pin.meta ?? {})) metadata[`${KEY.meta}${key}`] = value
  return metadata
}

/** The request id recorded on a cluster pin, when it was made through the Pinning Services API. */
export function requestIdOf (status: CidStatus): string | undefined {
  const id = status.pin?.metadata[KEY.requestid]
  return typeof id === 'string' ? id : undefined
}

/** Who made the request (an API key id), if recorded. */
export function ownerOf (status: CidStatus): string | undefined {
  const owner = status.pin?.metadata[KEY.owner]
  return typeof owner === 'string' ? owner : undefined
}

/** The request's status from the cluster's: pinned once enough peers hold it, failed on error, else queued/pinning. */
export function requestStatus (status: CidStatus): PinRequestStatus {
  if (status.health === 'ok') return 'pinned'
  if (status.health === 'error') return 'failed'
  return Object.values(status.peers).some(p => p.state === 'pinning') ? 'pinning' : 'queued'
}

/** A cluster pin status as the spec's `PinStatus`. */
export function toPinStatus (status: CidStatus, delegates: string[]): SpecPinStatus {
  const metadata = status.pin?.metadata ?? {}
  const meta: Record<string, string> = {}
  for (const [key, value] of Object.entries(metadata)) if (key.startsWith(KEY.meta)) meta[key.slice(KEY.meta.length)] = String(value)
  const recordedOrigins = metadata[KEY.origins]
  const origins = typeof recordedOrigins === 'string' ? JSON.parse(recordedOrigins) as string[] : []
  const recordedCreated = metadata[KEY.created]
  const state = requestStatus(status)
  const errors = Object.values(status.peers).map(p => p.error).filter((e): e is string => e !== undefined)
  return {
    requestid: requestIdOf(status) ?? status.cid,
    status: state,
    created: typeof recordedCreated === 'string' ? recordedCreated : new Date(status.pin?.addedAt ?? 0).toISOString(),
    pin: { cid: status.cid, ...(status.name === '' ? {} : { name: status.name }), origins, meta },
    delegates,
    info: { status_details: state === 'failed' ? errors.join('; ') : `${status.pinnedCount} of ${status.pin?.replicationMin ?? 1} copies held` }
  }
}

/** The spec's list filters, parsed. */
export interface PinFilters {
  cid?: string[]
  name?: string
  match: 'exact' | 'iexact' | 'partial' | 'ipartial'
  status: PinRequestStatus[]
  before?: Date
  after?: Date
  limit: number
  meta?: Record<string, string>
}

function nameMatches (name: string | undefined, wanted: string, match: PinFilters['match']): boolean {
  if (name === undefined) return false
  const insensitive = match === 'iexact' || match === 'ipartial'
  const a = insensitive ? name.toLowerCase() : name
  const b = insensitive ? wanted.toLowerCase() : wanted
  return match === 'exact' || match === 'iexact' ? a === b : a.includes(b)
}

/** Whether a request passes the filters (`limit` aside). */
export function matches (pin: SpecPinStatus, filters: PinFilters): boolean {
  if (filters.cid !== undefined && !filters.cid.includes(pin.pin.cid)) return false
  if (filters.name !== undefined && !nameMatches(pin.pin.name, filters.name, filters.match)) return false
  if (!filters.status.includes(pin.status)) return false
  const created = Date.parse(pin.created)
  if (filters.before !== undefined && !(created < filters.before.getTime())) return false
  if (filters.after !== undefined && !(created > filters.after.getTime())) return false
  for (const [key, value] of Object.entries(filters.meta ?? {})) if (pin.pin.meta?.[key] !== value) return false
  return true
}
