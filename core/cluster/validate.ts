import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { InvalidCidError, InvalidInputError } from '../errors/index.ts'
import type { ClusterPinOptions, MetadataValue } from './types.ts'

/** A pin request after validation. */
export interface ValidPinRequest {
  cid: CID
  name: string
  replicationMin: number
  replicationMax: number
  allocations: string[]
  tags: string[]
  expireAt?: number
  metadata: Record<string, MetadataValue>
}

/** Parse a CID string (or pass a CID through), raising `ERR_INVALID_CID`. */
export function parseCid (cid: CID | string): CID {
  if (typeof cid !== 'string') return cid
  try {
    return CID.parse(cid)
  } catch (err) {
    throw new InvalidCidError(`not a CID: ${cid}`, { cause: err })
  }
}

/** Check a pin request against the cluster defaults; malformed requests raise `ERR_INVALID_INPUT` / `ERR_INVALID_CID`. */
export function validatePin (cid: CID | string, options: ClusterPinOptions, defaults: { replicationMin: number, replicationMax: number }): ValidPinRequest {
  const parsed = parseCid(cid)
  const replicationMin = options.replicationMin ?? defaults.replicationMin
  let replicationMax = options.replicationMax ?? Math.max(defaults.replicationMax, replicationMin)
  if (!Number.isInteger(replicationMin) || replicationMin < 1) throw new InvalidInputError('replicationMin must be an integer ≥ 1')
  if (!Number.isInteger(replicationMax) || (replicationMax !== -1 && replicationMax < 1)) throw new InvalidInputError('replicationMax must be an integer ≥ 1, or -1 for every peer')
  if (replicationMax !== -1 && replicationMax < replicationMin) {
    if (options.replicationMax !== undefined) throw new InvalidInputError('replicationMax must be ≥ replicationMin')
    replicationMax = replicationMin
  }
  const name = options.name ?? ''
  if (name.length > 255) throw new InvalidInputError('name is longer than 255 characters')
  const allocations = [...new Set(options.allocations ?? [])]
  for (const peer of allocations) {
    try {
      peerIdFromString(peer)
    } catch (err) {
      throw new InvalidInputError(`allocation ${peer} is not a peer id`, { cause: err })
    }
  }
  const tags = options.tags ?? []
  if (!tags.every(t => typeof t === 'string' && t.length > 0 && t.length <= 64)) throw new InvalidInputError('tags must be non-empty strings of at most 64 characters')
  if (options.expireAt !== undefined && (!Number.isFinite(options.expireAt) || options.expireAt <= 0)) throw new InvalidInputError('expireAt must be a time in epoch milliseconds')
  const metadata = options.metadata ?? {}
  for (const value of Object.values(metadata)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new InvalidInputError('metadata values must be strings, numbers or booleans')
  }
  return { cid: parsed, name, replicationMin, replicationMax, allocations, tags, ...(options.expireAt === undefined ? {} : { expireAt: options.expireAt }), metadata }
}
