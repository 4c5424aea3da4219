/**
 * Our fixed-size chunker (`core/content/fixed-chunker.ts`) must cut exactly as `ipfs-unixfs-importer`'s `fixedSize`
 * does, whatever pieces the bytes arrive in, or the same file would get another CID over HTTP than from disk.
 */
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { describe, expect, it } from 'vitest'
import { fixedSizeChunker } from '../../core/content/fixed-chunker.ts'

async function * pieces (bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0
  let i = 0
  while (offset < bytes.byteLength) {
    const size = sizes[i++ % sizes.length] ?? 1
    yield bytes.subarray(offset, offset + size)
    offset += size
  }
}

async function cut (chunker: ReturnType<typeof fixedSizeChunker>, source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const chunk of chunker(source)) out.push(chunk)
  return out
}

function sample (length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) % 256
  return bytes
}

describe('fixedSizeChunker', () => {
  const CHUNK = 1000
  const cases: Array<[string, number, number[]]> = [
    ['empty', 0, [1]],
    ['one byte', 1, [1]],
    ['smaller than a chunk', 999, [100]],
    ['exactly one chunk in one piece', 1000, [1000]],
    ['exactly two chunks in small pieces', 2000, [64]],
    ['pieces larger than a chunk', 5555, [2500]],
    ['ragged pieces', 7777, [1, 999, 1000, 3, 1997, 64]],
    ['whole chunks after a ragged start', 4321, [321, 1000]]
  ]
  for (const [name, length, sizes] of cases) {
    it(`cuts like the importer's chunker: ${name}`, async () => {
      const bytes = sample(length)
      const ours = await cut(fixedSizeChunker(CHUNK), pieces(bytes, sizes))
      const theirs = await cut(fixedSize({ chunkSize: CHUNK }), pieces(bytes, sizes))
      expect(ours.map(c => c.byteLength)).toEqual(theirs.map(c => c.byteLength))
      expect(ours.map(c => Array.from(c))).toEqual(theirs.map(c => Array.from(c)))
    })
  }

  it('hands a whole-chunk piece on without copying it, and a short tail as its own buffer', async () => {
    const bytes = new Uint8Array([...sample(CHUNK), 1, 2, 3])
    const [first, tail] = await cut(fixedSizeChunker(CHUNK), pieces(bytes, [CHUNK, 3]))
    expect(first?.buffer).toBe(bytes.buffer)
    expect(tail?.byteLength).toBe(3)
    expect(tail?.buffer.byteLength).toBe(3)
  })

  it('refuses a chunk size that is not a positive integer', () => {
    expect(() => fixedSizeChunker(0)).toThrow(RangeError)
    expect(() => fixedSizeChunker(1.5)).toThrow(RangeError)
  })
})
