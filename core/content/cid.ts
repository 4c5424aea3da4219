import { CID } from 'multiformats/cid'
import { InvalidCidError } from '../errors/index.ts'

/** CIDs parsed recently, by their text: a hot CID (a gateway or cat hit) is decoded once, not on every request. */
const PARSED = new Map<string, CID>()
/** Texts kept in {@link PARSED}; the oldest goes first (CIDs are immutable, so sharing one object is safe). */
const PARSED_MAX = 4096

/**
 * Parse a CID string (any multibase CIDv1, or a base58 CIDv0) into a `CID`, with a typed error
 * (`ERR_INVALID_CID`) instead of whatever the decoder throws.
 *
 * @example
 * ```ts
 * const cid = parseCid('bafkreigh2akiscaildc...')
 * ```
 */
export function parseCid (input: string): CID {
  const text = input.trim()
  if (text.length === 0) throw new InvalidCidError('CID is empty')
  if (text.length > 512) throw new InvalidCidError('CID is longer than 512 characters')
  const known = PARSED.get(text)
  if (known !== undefined) return known
  try {
    const cid = CID.parse(text)
    if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value as string)
    PARSED.set(text, cid)
    return cid
  } catch (err) {
    throw new InvalidCidError(`"${text.slice(0, 100)}" is not a valid CID: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/**
 * Split an IPFS path (`<cid>/a/b`, `/ipfs/<cid>/a/b`) into its root CID and the path below it, validating the CID.
 */
export function parseIpfsPath (input: string | CID): { cid: CID, path: string } {
  if (typeof input !== 'string') return { cid: input, path: '' }
  const trimmed = input.trim().replace(/^\/ipfs\//, '').replace(/^\/+/, '')
  const slash = trimmed.indexOf('/')
  const root = slash === -1 ? trimmed : trimmed.slice(0, slash)
  const rest = slash === -1 ? '' : trimmed.slice(slash + 1).replace(/\/+$/, '')
  return { cid: parseCid(root), path: rest }
}
