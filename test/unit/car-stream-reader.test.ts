import { CarWriter } from '@ipld/car'
import { createDecoder } from '@ipld/car/decoder'
import fc from 'fast-check'
import { expect } from 'vitest'
import { chunkListReader } from '../../core/storage/car-stream-reader.ts'
import { collect, pseudoRandomBytes, rawBlock } from '../support/fixtures.ts'

/** A CAR of raw blocks of the given sizes, as one array. */
async function carOf (sizes: number[]): Promise<{ car: Uint8Array, blocks: Array<Awaited<ReturnType<typeof rawBlock>>> }> {
  const blocks = await Promise.all(sizes.map(async (size, i) => rawBlock(pseudoRandomBytes(size, i + 1))))
  const { writer, out } = CarWriter.create(blocks.slice(0, 1).map(b => b.cid))
  const bytes = collect(out)
  for (const block of blocks) await writer.put(block)
  await writer.close()
  return { car: await bytes, blocks }
}

async function * chunked (bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= at || cut >= bytes.byteLength) continue
    yield bytes.subarray(at, cut)
    at = cut
  }
  yield bytes.subarray(at)
}

describe('chunkListReader: @ipld/car\'s decoder over a chunk list', () => {
  it('decodes the same blocks however the stream is cut (empty chunks and single bytes included)', async () => {
    const { car, blocks } = await carOf([0, 1, 7, 300, 70_000, 1_048_576, 5])
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 0, max: car.byteLength }), { maxLength: 40 }), async cuts => {
      const decoder = createDecoder(chunkListReader(chunked(car, cuts)))
      expect((await decoder.header()).roots.map(String)).toEqual(blocks.slice(0, 1).map(b => b.cid.toString()))
      const read = await Array.fromAsync(decoder.blocks())
      expect(read.map(b => b.cid.toString())).toEqual(blocks.map(b => b.cid.toString()))
      for (const [i, block] of read.entries()) expect(Buffer.from(block.bytes).equals(Buffer.from(blocks[i]?.bytes ?? []))).toBe(true)
    }), { numRuns: 60 })
  })

  it('returns a block inside one chunk as a view of that chunk, without copying it', async () => {
    const { car } = await carOf([4096, 4096])
    const decoder = createDecoder(chunkListReader(chunked(car, [])))
    await decoder.header()
    for await (const block of decoder.blocks()) expect(block.bytes.buffer).toBe(car.buffer)
  })

  it('fails a CAR cut inside a block with the decoder\'s end-of-data error', async () => {
    const { car } = await carOf([10_000])
    const decoder = createDecoder(chunkListReader(chunked(car.subarray(0, car.byteLength - 100), [500, 5000])))
    await decoder.header()
    await expect(Array.fromAsync(decoder.blocks())).rejects.toThrow(/Unexpected end of data/)
  })
})
