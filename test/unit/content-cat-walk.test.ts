import { exporter } from 'ipfs-unixfs-exporter'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced, trickle } from 'ipfs-unixfs-importer/layout'
import { expect } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { byteDiff, collect, pseudoRandomBytes, rejection } from '../support/fixtures.ts'
import type { ImporterOptions } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'

/** Imports `bytes` with the given importer settings straight into `blockstore` (DAGs our own add never makes). */
async function importWith (blockstore: MemoryBlockstore, bytes: Uint8Array, options: ImporterOptions): Promise<CID> {
  let root: CID | undefined
  for await (const entry of importer([{ content: bytes }], blockstore, options)) root = entry.cid
  if (root === undefined) throw new Error('nothing imported')
  return root
}

/** What ipfs-unixfs-exporter returns for the same range: the reference `cat` must match. */
async function exported (blockstore: MemoryBlockstore, cid: CID, offset: number, length: number): Promise<Uint8Array> {
  const entry = await exporter(cid, blockstore)
  if (entry.type !== 'file') throw new Error(`not a file: ${entry.type}`)
  return collect(entry.content({ offset, length }))
}

const shapes: Array<[string, ImporterOptions]> = [
  ['three levels of raw leaves', { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 1000 }), layout: balanced({ maxChildrenPerNode: 4 }) }],
  ['dag-pb leaves (CIDv0)', { cidVersion: 0, rawLeaves: false, chunker: fixedSize({ chunkSize: 4096 }), layout: balanced({ maxChildrenPerNode: 8 }) }],
  ['a trickle DAG with data in inner nodes', { cidVersion: 1, rawLeaves: false, chunker: fixedSize({ chunkSize: 512 }), layout: trickle({ maxChildrenPerNode: 3, layerRepeat: 2 }) }]
]

describe('content: cat walks every UnixFS file shape', () => {
  for (const [shape, options] of shapes) {
    it(`reads ${shape} whole and by ranges exactly as the exporter does`, async () => {
      const blockstore = new MemoryBlockstore()
      const content = createContentStore({ blockstore })
      const bytes = pseudoRandomBytes(50_000 + 17, 5)
      const cid = await importWith(blockstore, bytes, options)
      expect(byteDiff(await collect(content.cat(cid)), bytes)).toBe('equal')
      const ranges: Array<[number, number]> = [[0, 1], [999, 2], [1000, 1000], [4095, 4097], [12_345, 30_000], [50_000, 17], [50_016, 1]]
      for (const [offset, length] of ranges) {
        const ours = await collect(content.cat(cid, { offset, length }))
        expect(byteDiff(ours, bytes.subarray(offset, offset + length))).toBe('equal')
        expect(byteDiff(ours, await exported(blockstore, cid, offset, length))).toBe('equal')
      }
    })
  }

  it('fails with ERR_NOT_FOUND when a leaf is missing, once the reader reaches it', async () => {
    const blockstore = new MemoryBlockstore()
    const content = createContentStore({ blockstore })
    const bytes = pseudoRandomBytes(10_000, 6)
    const cid = await importWith(blockstore, bytes, shapes[0]?.[1] ?? {})
    let leaf: CID | undefined
    for await (const { cid: block } of blockstore.getAll()) if (block.code === 0x55) leaf = block
    if (leaf === undefined) throw new Error('no raw leaf')
    await blockstore.delete(leaf)
    const err = await rejection(collect(content.cat(cid)))
    expect(err.code).toBe('ERR_NOT_FOUND')
  })
})
