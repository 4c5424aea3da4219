import * as dagCbor from '@ipld/dag-cbor'
import { lpStream } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import { collectBlock } from '../blocks/bytes.ts'
import { isValidBlock } from '../blocks/verify.ts'
import { linksOf } from '../content/dag-walk.ts'
import type { AbortOptions } from '../abort.ts'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

/** The outcome of challenging one peer for one DAG. */
export type HoldingResult =
  | { ok: true, blocks: number }
  | { ok: false, reason: string }

/** What holding checks need. */
export interface HoldingCheckComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
  /** The local blocks only (never the network: an answer must prove this peer holds them). */
  localBlocks: Pick<Blockstore, 'get'>
}

/** Settings of holding checks. */
export interface HoldingCheckInit {
  protocol: string
  /** Deepest path a challenge follows. */
  maxDepth?: number
  timeoutMs?: number
}

/** Which link to follow at `depth`: derived from the challenger's random seed, so answers cannot be precomputed. */
function pick (seed: Uint8Array, depth: number, count: number): number {
  const a = seed[depth % seed.length] ?? 0
  const b = seed[(depth + 1) % seed.length] ?? 0
  return (a * 256 + b) % count
}

/**
 * Proof of holding: a challenger sends a DAG root and a random seed; the challenged peer answers with the blocks of
 * the path from the root to a leaf that the seed selects, read from its local store only. The challenger checks
 * each block against its CID and that each next block is the link the seed selects, so a peer that dropped blocks
 * (or never fetched them) fails, whatever it claims in its reported state.
 */
export class HoldingCheck {
  private readonly components: HoldingCheckComponents
  private readonly init: Required<HoldingCheckInit>

  constructor (components: HoldingCheckComponents, init: HoldingCheckInit) {
    this.components = components
    this.init = { maxDepth: 32, timeoutMs: 10_000, ...init }
  }

  async start (): Promise<void> {
    await this.components.libp2p.handle(this.init.protocol, (stream, connection) => { void this.answer(stream, connection) }, { runOnLimitedConnection: true })
  }

  async stop (): Promise<void> {
    await this.components.libp2p.unhandle(this.init.protocol)
  }

  /** Challenge `peer` to prove it holds the DAG under `root`. Network failures reject; proof failures resolve `ok: false`. */
  async challenge (peer: PeerId, root: CID, options: AbortOptions = {}): Promise<HoldingResult> {
    options.signal?.throwIfAborted()
    const signal = AbortSignal.any([AbortSignal.timeout(this.init.timeoutMs), ...(options.signal === undefined ? [] : [options.signal])])
    const seed = globalThis.crypto.getRandomValues(new Uint8Array(16))
    const stream = await this.components.libp2p.dialProtocol(peer, this.init.protocol, { signal, runOnLimitedConnection: true })
    const lp = lpStream(stream, { maxDataLength: 64 * 1024 * 1024 })
    await lp.write(dagCbor.encode({ root: root.bytes, seed, depth: this.init.maxDepth }), { signal })
    const reply: unknown = dagCbor.decode((await lp.read({ signal })).subarray())
    await stream.close({ signal }).catch(() => {})
    if (typeof reply !== 'object' || reply === null) return { ok: false, reason: 'malformed answer' }
    const { blocks, missing } = reply as { blocks?: unknown, missing?: unknown }
    if (!Array.isArray(blocks)) return { ok: false, reason: typeof missing === 'string' ? `peer lacks block ${missing}` : 'malformed answer' }
    let expected: CID | undefined = root
    let depth = 0
    for (const bytes of blocks) {
      if (expected === undefined) return { ok: false, reason: 'path continues past a leaf' }
      if (!(bytes instanceof Uint8Array) || !await isValidBlock(expected, bytes)) return { ok: false, reason: `block ${expected.toString()} does not match its CID` }
      const links = linksOf(expected, bytes)
      expected = links.length === 0 || depth + 1 >= this.init.maxDepth ? undefined : links[pick(seed, depth, links.length)]
      depth++
    }
    if (expected !== undefined) return { ok: false, reason: typeof missing === 'string' ? `peer lacks block ${missing}` : 'path ends before a leaf' }
    return { ok: true, blocks: depth }
  }

  private async answer (stream: Stream, _connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.init.timeoutMs)
    try {
      const lp = lpStream(stream, { maxDataLength: 1024 })
      const request: unknown = dagCbor.decode((await lp.read({ signal })).subarray())
      const { root, seed, depth } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>
      if (!(root instanceof Uint8Array) || !(seed instanceof Uint8Array) || seed.length === 0 || typeof depth !== 'number') throw new Error('bad challenge')
      const maxDepth = Math.min(depth, this.init.maxDepth)
      const blocks: Uint8Array[] = []
      let cid: CID | undefined = CID.decode(root)
      let missing: string | undefined
      for (let d = 0; cid !== undefined && d < maxDepth; d++) {
        let bytes: Uint8Array
        try {
          bytes = await collectBlock(this.components.localBlocks.get(cid, { signal }))
        } catch {
          missing = cid.toString()
          break
        }
        blocks.push(bytes)
        const links = linksOf(cid, bytes)
        cid = links.length === 0 ? undefined : links[pick(seed, d, links.length)]
      }
      await lp.write(dagCbor.encode(missing === undefined ? { blocks } : { blocks, missing }), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
