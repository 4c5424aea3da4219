import { createUnsafe } from 'multiformats/block'
import * as raw from 'multiformats/codecs/raw'
import { collectBlock } from '../blocks/bytes.ts'
import { linksOf } from '../content/dag-walk.ts'
import type { GraphNode, GraphWalker, GraphWalkerComponents, GraphWalkerFactory, WalkOptions } from '@helia/interface'
import type { CID } from 'multiformats/cid'

/** Raw leaves whose presence is checked at once, ahead of the walk. */
export const PRESENCE_LOOKAHEAD = 32

/** A block still to visit; a raw leaf near the top of the stack carries its `has` check, started early. */
interface Pending {
  cid: CID
  depth: number
  path: CID[]
  present?: Promise<boolean>
}

/** Options of {@link presenceAwareWalker}. */
export interface PresenceAwareWalkerOptions {
  /** Told of the raw leaves the walk will visit soon, as their checks start (a pin reads their records ahead). */
  onAhead?: (cids: CID[]) => void
  /** Leaves known to be stored (the add before the pin wrote them): proved without asking the store. */
  knownPresent?: (cid: CID) => boolean
}

/** Start the `has` check of each raw leaf among the next {@link PRESENCE_LOOKAHEAD} blocks the walk will visit. */
function checkAhead (stack: Pending[], has: (cid: CID) => Promise<boolean>, onAhead?: (cids: CID[]) => void): void {
  const started: CID[] = []
  for (let i = stack.length - 1; i >= 0 && i >= stack.length - PRESENCE_LOOKAHEAD; i--) {
    const pending = stack[i]
    if (pending === undefined || pending.present !== undefined || pending.cid.code !== raw.code) continue
    pending.present = has(pending.cid)
    pending.present.catch(() => {}) // awaited when visited; a walk that stops early leaves it unobserved
    started.push(pending.cid)
  }
  if (started.length > 0) onAhead?.(started)
}

/**
 * A graph walker for Helia's `pins.add` that does not read raw leaves it already holds. Pinning records every
 * block of a DAG, and Helia's default walker reads each one to find its links; raw blocks have no links, so a
 * `has` check proves presence without reading (a 1 GiB file is 1,024 stat calls instead of 1 GiB of reads held
 * in memory). Missing raw leaves are still fetched through the (networked) blockstore, and every block with
 * links is read (verified by the store below) and followed.
 *
 * The `block` of a raw leaf yielded without reading carries empty bytes: pinning only uses `block.cid`.
 *
 * The `has` checks of the next {@link PRESENCE_LOOKAHEAD} raw leaves run at once, ahead of the walk: one at a time,
 * each waited a whole store round trip (in the browser, a message to the storage worker and an IndexedDB read).
 */
export function presenceAwareWalker (walkerOptions: PresenceAwareWalkerOptions = {}): GraphWalkerFactory {
  return (components: GraphWalkerComponents): GraphWalker => ({
    walk: async function * <T>(root: CID, options?: WalkOptions<T>): AsyncGenerator<GraphNode<T>> {
      const maxDepth = options?.depth ?? Infinity
      const stack: Pending[] = [{ cid: root, depth: 0, path: [root] }]
      while (stack.length > 0) {
        options?.signal?.throwIfAborted()
        checkAhead(stack, async cid => walkerOptions.knownPresent?.(cid) === true || await components.blockstore.has(cid, options), walkerOptions.onAhead)
        const next = stack.pop()
        if (next === undefined) break
        const { cid, depth, path } = next
        if (next.present !== undefined && await next.present) {
          yield { block: createUnsafe({ cid, bytes: new Uint8Array(0), value: new Uint8Array(0), codec: raw }), depth, path } as unknown as GraphNode<T>
          continue
        }
        const bytes = await collectBlock(components.blockstore.get(cid, options))
        const codec = await components.getCodec(cid.code)
        const block = createUnsafe({ cid, bytes, codec })
        // Helia's codec loader is typed `any`; the walker's caller picks T, as Helia's own walkers do
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
        yield { block, depth, path }
        if (depth >= maxDepth) continue
        const links = linksOf(cid, bytes)
        for (let i = links.length - 1; i >= 0; i--) {
          const link = links[i]
          if (link !== undefined) stack.push({ cid: link, depth: depth + 1, path: [...path, link] })
        }
      }
    }
  })
}
