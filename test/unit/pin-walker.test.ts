import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { describe, expect, it } from 'vitest'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { PRESENCE_LOOKAHEAD, presenceAwareWalker } from '../../core/service/pin-walker.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { CodecLoader } from '@helia/interface'

/** A memory blockstore whose `has` answers after a delay, counting reads and how many `has` overlap. */
class SlowPresenceStore extends MemoryBlockstore {
  reads: string[] = []
  hasInFlight = 0
  maxHasInFlight = 0

  override async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    this.hasInFlight++
    this.maxHasInFlight = Math.max(this.maxHasInFlight, this.hasInFlight)
    try {
      await new Promise(resolve => setTimeout(resolve, 2))
      return await super.has(cid, options)
    } finally {
      this.hasInFlight--
    }
  }

  override get (cid: CID, options?: AbortOptions): ReturnType<MemoryBlockstore['get']> {
    this.reads.push(cid.toString())
    return super.get(cid, options)
  }
}

const getCodec = (async (code: number) => code === raw.code ? raw : dagPb) as unknown as CodecLoader

/** Blocks are stored by multihash: `getAll` names every block by a raw CID, so compare multihashes. */
const key = (cid: CID): string => CID.createV1(raw.code, cid.multihash).toString()

async function walk (store: SlowPresenceStore, root: CID): Promise<string[]> {
  const seen: string[] = []
  for await (const node of presenceAwareWalker()({ blockstore: store, getCodec }).walk(root)) seen.push(key(node.block.cid))
  return seen
}

describe('presenceAwareWalker', () => {
  it('visits every block of a DAG once, reads only the blocks with links, and checks the leaves\' presence together', async () => {
    const store = new SlowPresenceStore()
    const bytes = pseudoRandomBytes(200 * 1024, 3)
    const { cid } = await createContentStore({ blockstore: store }).add(bytes, { chunker: { type: 'fixed', size: 1024 }, maxChildrenPerNode: 50 })
    const all: string[] = []
    for await (const pair of store.getAll()) all.push(key(pair.cid))
    store.reads = []

    const seen = await walk(store, cid)

    expect([...seen].sort()).toEqual([...all].sort())
    expect(new Set(seen).size).toBe(seen.length)
    // 200 raw leaves under 4 intermediate nodes and the root: only the 5 dag-pb nodes are read
    expect(store.reads).toHaveLength(5)
    expect(store.reads.every(read => CID.parse(read).code === dagPb.code)).toBe(true)
    // one `has` at a time took a round trip each; ahead of the walk they overlap
    expect(store.maxHasInFlight).toBeGreaterThan(1)
    expect(store.maxHasInFlight).toBeLessThanOrEqual(PRESENCE_LOOKAHEAD)
  })

  it('reads a missing raw leaf through the store (as the networked store fetches it) instead of skipping it', async () => {
    const store = new SlowPresenceStore()
    const { cid } = await createContentStore({ blockstore: store }).add(pseudoRandomBytes(8 * 1024, 4), { chunker: { type: 'fixed', size: 1024 } })
    const root = dagPb.decode(await collectBlock(store.get(cid)))
    const gone = root.Links[3]?.Hash
    if (gone?.code !== raw.code) throw new Error('a root over raw leaves expected')
    await store.delete(gone)
    store.reads = []

    await expect(walk(store, cid)).rejects.toHaveProperty('name', 'NotFoundError')
    expect(store.reads).toContain(gone.toString())
  })
})
