import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpooledFileBlob } from '../../node-relay/storage/huggingface/spool-blob.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'

let dir: string
let file: string
// over two of the Blob's 4 MiB pieces, and not a multiple of them
const bytes = pseudoRandomBytes(9 * 1024 * 1024 + 333, 31)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-spool-blob-'))
  file = join(dir, 'dag.car')
  await writeFile(file, bytes)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function streamed (blob: Blob): Promise<Buffer> {
  const pieces: Uint8Array[] = []
  for await (const piece of blob.stream()) pieces.push(piece)
  return Buffer.concat(pieces)
}

describe('SpooledFileBlob', () => {
  it('gives the file range back whole through stream, arrayBuffer and bytes, as an in-memory Blob would', async () => {
    const blob = new SpooledFileBlob(file, 0, bytes.byteLength)
    const memory = new Blob([bytes])
    expect(blob.size).toBe(memory.size)
    expect(blob.type).toBe('')
    expect((await streamed(blob)).equals(Buffer.from(bytes))).toBe(true)
    expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
    expect(Buffer.from(await blob.bytes()).equals(Buffer.from(bytes))).toBe(true)
  })

  it('slices as Blob.slice does (negative indexes from the end, out of range clamped, end before start empty)', async () => {
    const blob = new SpooledFileBlob(file, 0, bytes.byteLength)
    const memory = new Blob([bytes])
    const cases: Array<[number | undefined, number | undefined]> = [[0, 10], [5 * 1024 * 1024, undefined], [-100, undefined], [-100, -10], [10, 5], [undefined, 1e12], [-1e12, 3]]
    for (const [start, end] of cases) {
      const ours = blob.slice(start, end)
      const theirs = memory.slice(start, end)
      expect(ours.size).toBe(theirs.size)
      expect((await streamed(ours)).equals(Buffer.from(await theirs.arrayBuffer()))).toBe(true)
    }
    // a slice of a slice
    const inner = blob.slice(100, 5000).slice(10, 20)
    expect(Buffer.from(await inner.arrayBuffer()).equals(Buffer.from(bytes.subarray(110, 120)))).toBe(true)
    expect(await new SpooledFileBlob(file, 0, 5).slice(0, 5).text()).toBe(new TextDecoder().decode(bytes.subarray(0, 5)))
  })

  it('fails its stream when the file is shorter than the Blob says', async () => {
    const short = join(dir, 'short.car')
    await writeFile(short, bytes.subarray(0, 1000))
    const blob = new SpooledFileBlob(short, 0, 1000)
    await truncate(short, 400)
    await expect(blob.arrayBuffer()).rejects.toThrow(/600 bytes early/)
  })
})
