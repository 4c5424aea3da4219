import { CID } from 'multiformats/cid'
import { NotFoundError } from '../../../core/errors/index.ts'
import { decodeBlock } from '../codecs.ts'
import type { IpfsService } from '../../../core/service/ipfs-service.ts'

/** Blocks a path may cross at most (each hop is a fetch). */
export const MAX_PATH_SEGMENTS = 256

/** One step down a decoded value: a list index or a map key (own properties only). */
function step (value: unknown, segment: string, where: string): unknown {
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(segment) ? Number(segment) : -1
    if (index < 0 || index >= value.length) throw new NotFoundError(`no index "${segment}" in the list at ${where}`)
    return value[index] as unknown
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && Object.hasOwn(value, segment)) {
    const inner = (value as Record<string, unknown>)[segment]
    if (inner !== undefined) return inner
  }
  throw new NotFoundError(`no field "${segment}" at ${where}`)
}

/**
 * Resolve `path` from the block `root`, following links into other blocks as it goes. A link reached at the end of
 * the path is returned as a link, not followed.
 */
export async function resolveDagPath (service: IpfsService, root: CID, path: string[], signal: AbortSignal): Promise<{ cid: CID, value: unknown }> {
  let cid = root
  let value = decodeBlock(cid, await service.blockGet(cid, { signal }))
  let where = cid.toString()
  for (const segment of path) {
    const link = CID.asCID(value)
    if (link !== null) {
      cid = link
      value = decodeBlock(cid, await service.blockGet(cid, { signal }))
    }
    value = step(value, segment, where)
    where = `${where}/${segment}`
  }
  return { cid, value }
}
