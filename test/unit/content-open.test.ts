import { MemoryBlockstore } from 'blockstore-core'
import { describe, expect, it } from 'vitest'
import { ContentStore } from '../../core/content/content-store.ts'
import type { CID } from 'multiformats/cid'

/** A memory blockstore that counts reads per CID. */
class CountingBlockstore extends MemoryBlockstore {
  readonly reads = new Map<string, number>()
  override async * get (cid: CID, options?: Parameters<MemoryBlockstore['get']>[1]): ReturnType<MemoryBlockstore['get']> {
    this.reads.set(cid.toString(), (this.reads.get(cid.toString()) ?? 0) + 1)
    yield * super.get(cid, options)
  }
}

describe('ContentStore.open', () => {
  it('resolves once: the stat and then the bytes read the root block a single time', async () => {
    const store = new CountingBlockstore()
    const content = new ContentStore({ blockstore: store })
    const small = new TextEncoder().encode('one kilobyte or so')
    const { cid } = await content.add(small)
    store.reads.clear()

    const opened = await content.open(cid)
    expect(opened.stat).toMatchObject({ type: 'raw', size: small.byteLength })
    expect(Buffer.concat(await Array.fromAsync(opened.cat({ offset: 4, length: 8 })))).toEqual(Buffer.from(small.subarray(4, 12)))
    expect(store.reads.get(cid.toString())).toBe(1)

    // stat and cat one after the other resolve twice: what `open` saves
    store.reads.clear()
    await content.stat(cid)
    await Array.fromAsync(content.cat(cid))
    expect(store.reads.get(cid.toString())).toBe(2)
  })

  it('hands a one-block file over as the verified array the store returned, with no copy and no exporter', async () => {
    const store = new MemoryBlockstore()
    const content = new ContentStore({ blockstore: store })
    const small = new TextEncoder().encode('a small file is one raw block')
    const { cid } = await content.add(small)
    const held = await store.get(cid).next()
    const opened = await content.open(cid)
    expect(opened.bytes).toEqual(small)
    expect(opened.bytes, 'the stored array itself').toBe(held.value)
    await expect(content.open(`${cid.toString()}/no/path`)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })

    const multi = await content.add(new Uint8Array(3000), { chunker: { type: 'fixed', size: 1024 } })
    expect((await content.open(multi.cid)).bytes, 'a file of several blocks streams').toBeUndefined()
  })

  it('reads a multi-block file and refuses a directory as a file', async () => {
    const content = new ContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = new Uint8Array(3000).map((_, i) => i % 256)
    const { cid } = await content.add(bytes, { chunker: { type: 'fixed', size: 1024 } })
    const opened = await content.open(cid)
    expect(opened.stat).toMatchObject({ type: 'file', size: 3000 })
    expect(Buffer.concat(await Array.fromAsync(opened.cat()))).toEqual(Buffer.from(bytes))

    const dir = (await Array.fromAsync(content.addAll([{ path: 'a.txt', content: bytes }]))).at(-1)
    const folder = await content.open(dir?.cid ?? cid)
    expect(folder.stat.type).toBe('directory')
    await expect(Array.fromAsync(folder.cat())).rejects.toMatchObject({ code: 'ERR_NOT_A_FILE' })
  })
})
