import { expect } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { byteDiff, chunked, collect, pseudoRandomBytes, rejection } from '../support/fixtures.ts'
import type { AddProgress } from '../../core/content/index.ts'

const text = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s)

describe('content: add and cat', () => {
  it('adds small bytes as a single raw block with the CID every IPFS implementation computes', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const { cid, size } = await content.add(text('hello world'))
    // `ipfs add --cid-version 1 --raw-leaves` (Kubo) and Helia give this CID for "hello world"
    expect(cid.toString()).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
    expect(size).toBe(11)
    expect(new TextDecoder().decode(await collect(content.cat(cid)))).toBe('hello world')
  })

  it('chunks large input into a balanced DAG and reads it back byte for byte', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = pseudoRandomBytes(5 * 1024 * 1024 + 123)
    const { cid, size } = await content.add(chunked(bytes, 65_536))
    expect(cid.version).toBe(1)
    expect(cid.code).toBe(0x70) // dag-pb root over raw leaves
    expect(size).toBe(bytes.byteLength)
    expect(byteDiff(await collect(content.cat(cid)), bytes)).toBe('equal')
    const stat = await content.stat(cid, { withDagSize: true })
    expect(stat).toMatchObject({ type: 'file', size: bytes.byteLength, blocks: 7 }) // 6 leaves of ≤1 MiB + root
  })

  it('gives the same CID for bytes, a stream and a Blob of the same data', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = pseudoRandomBytes(3 * 1024 * 1024, 7)
    const a = await content.add(bytes)
    const b = await content.add(chunked(bytes, 10_000))
    const c = await content.add(new Blob([bytes]))
    expect(b.cid.equals(a.cid)).toBe(true)
    expect(c.cid.equals(a.cid)).toBe(true)
  })

  it('honours a configured chunker', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = pseudoRandomBytes(1024 * 1024, 3)
    const small = await content.add(bytes, { chunker: { type: 'fixed', size: 256 * 1024 } })
    const stat = await content.stat(small.cid, { withDagSize: true })
    expect(stat.blocks).toBe(5)
    const rabin = await content.add(bytes, { chunker: { type: 'rabin', avgSize: 65_536, minSize: 16_384, maxSize: 262_144 } })
    expect(byteDiff(await collect(content.cat(rabin.cid)), bytes)).toBe('equal')
  })

  it('rejects chunk sizes over the block limit with ERR_INVALID_INPUT', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const err = await rejection(content.add(text('x'), { chunker: { type: 'fixed', size: 4 * 1024 * 1024 } }))
    expect(err.code).toBe('ERR_INVALID_INPUT')
  })

  it('reports progress up to the total size', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = pseudoRandomBytes(2 * 1024 * 1024)
    const events: AddProgress[] = []
    await content.add(new Blob([bytes]), { onProgress: p => events.push(p) })
    expect(events.length).toBeGreaterThan(0)
    expect(events.at(-1)).toMatchObject({ bytes: bytes.byteLength, total: bytes.byteLength })
    const increasing = events.every((e, i) => i === 0 || e.bytes >= (events[i - 1]?.bytes ?? 0))
    expect(increasing).toBe(true)
  })

  it('stops an add when its signal aborts', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const controller = new AbortController()
    const source = async function * (): AsyncGenerator<Uint8Array> {
      yield pseudoRandomBytes(1024 * 1024)
      controller.abort()
      yield pseudoRandomBytes(1024 * 1024)
    }
    const err = await rejection(content.add(source(), { signal: controller.signal }))
    expect(err.name).toBe('AbortError')
  })

  it('serves byte ranges across block boundaries', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = pseudoRandomBytes(3 * 1024 * 1024, 11)
    const { cid } = await content.add(bytes)
    const ranges: Array<[number, number]> = [[0, 1], [1024 * 1024 - 5, 10], [2_500_000, 700_000], [bytes.byteLength - 1, 1], [bytes.byteLength, 0]]
    for (const [offset, length] of ranges) {
      expect(byteDiff(await collect(content.cat(cid, { offset, length })), bytes.subarray(offset, offset + length))).toBe('equal')
    }
    expect(byteDiff(await collect(content.cat(cid, { offset: 10, length: 10 * 1024 * 1024 })), bytes.subarray(10))).toBe('equal')
  })

  it('serves byte ranges of a single raw block and of an identity CID', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const bytes = pseudoRandomBytes(4000, 12)
    const { cid } = await content.add(bytes, { rawLeaves: true, cidVersion: 1 })
    expect(cid.code).toBe(0x55) // one block, a raw leaf: the file is the block
    for (const [offset, length] of [[0, 4000], [0, 1], [1234, 100], [3999, 1], [4000, 0]] as Array<[number, number]>) {
      expect(byteDiff(await collect(content.cat(cid, { offset, length })), bytes.subarray(offset, offset + length))).toBe('equal')
    }
    const { identity } = await import('multiformats/hashes/identity')
    const { CID } = await import('multiformats/cid')
    const inline = CID.createV1(0x55, identity.digest(text('inline bytes')))
    expect(new TextDecoder().decode(await collect(content.cat(inline, { offset: 7 })))).toBe('bytes')
  })

  it('refuses ranges that cannot be satisfied with ERR_INVALID_RANGE', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const { cid } = await content.add(text('0123456789'))
    expect((await rejection(collect(content.cat(cid, { offset: 11 })))).code).toBe('ERR_INVALID_RANGE')
    expect((await rejection(collect(content.cat(cid, { offset: -1 })))).code).toBe('ERR_INVALID_RANGE')
    expect((await rejection(collect(content.cat(cid, { length: 1.5 })))).code).toBe('ERR_INVALID_RANGE')
  })

  it('says ERR_NOT_FOUND for content it does not hold and ERR_INVALID_CID for garbage', async () => {
    const content = createContentStore({ blockstore: new MemoryBlockstore() })
    const other = createContentStore({ blockstore: new MemoryBlockstore() })
    const { cid } = await other.add(text('elsewhere'))
    expect((await rejection(collect(content.cat(cid)))).code).toBe('ERR_NOT_FOUND')
    expect((await rejection(collect(content.cat('not-a-cid')))).code).toBe('ERR_INVALID_CID')
    expect((await rejection(content.stat(''))).code).toBe('ERR_INVALID_CID')
  })
})
