import { describe, expect, it } from 'vitest'
import { MAX_RECORD_BYTES, blockRecords, isPartLayout } from '../../app/blocks/idb-records.ts'
import { PartBuffers } from '../../app/blocks/part-buffers.ts'

function filled (size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) % 251
  return bytes
}

/** What a transfer to the worker and back does to a part: a new view of the same memory (the old one detaches). */
const roundTrip = (parts: Uint8Array[]): Uint8Array[] => structuredClone(parts, { transfer: parts.map(part => part.buffer as ArrayBuffer) })

describe('PartBuffers', () => {
  it('cuts a block into owned parts of at most MAX_RECORD_BYTES holding its bytes, and leaves the block intact', () => {
    const file = filled(3 * MAX_RECORD_BYTES)
    const block = file.subarray(100, 100 + 2 * MAX_RECORD_BYTES + 10)
    const parts = new PartBuffers().cut(block)

    expect(parts.map(part => part.byteLength)).toEqual([MAX_RECORD_BYTES, MAX_RECORD_BYTES, 10])
    for (const part of parts) expect(part.buffer.byteLength).toBe(part.byteLength)
    expect(Buffer.concat(parts).equals(block)).toBe(true)
    expect(isPartLayout(parts)).toBe(true)
    expect(file.byteLength).toBe(3 * MAX_RECORD_BYTES)
  })

  it('cuts a block given in chunks of any sizes into the same parts as the joined block', () => {
    const bytes = filled(2 * MAX_RECORD_BYTES + 9)
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, MAX_RECORD_BYTES + 100), bytes.subarray(MAX_RECORD_BYTES + 100)]
    const parts = new PartBuffers().cut(chunks)
    expect(parts.map(part => part.byteLength)).toEqual([MAX_RECORD_BYTES, MAX_RECORD_BYTES, 9])
    expect(Buffer.concat(parts).equals(bytes)).toBe(true)
  })

  it('cuts an empty block into one empty part', () => {
    expect(new PartBuffers().cut(new Uint8Array(0)).map(part => part.byteLength)).toEqual([0])
  })

  it('reuses buffers that came back for the next block of the same size, and keeps at most maxIdleBytes', () => {
    const buffers = new PartBuffers({ maxIdleBytes: 3 * MAX_RECORD_BYTES })
    const first = roundTrip(buffers.cut(filled(2 * MAX_RECORD_BYTES)))
    const second = roundTrip(buffers.cut(filled(2 * MAX_RECORD_BYTES)))
    buffers.give([...first, ...second])
    expect(buffers.heldBytes).toBe(3 * MAX_RECORD_BYTES)

    const next = buffers.cut(filled(2 * MAX_RECORD_BYTES).reverse())
    const given = new Set<ArrayBufferLike>([...first, ...second].map(part => part.buffer))
    expect(next.every(part => given.has(part.buffer))).toBe(true)
    expect(Buffer.concat(next).equals(filled(2 * MAX_RECORD_BYTES).reverse())).toBe(true)
    expect(buffers.heldBytes).toBe(MAX_RECORD_BYTES)
    buffers.release()
  })

  it('does not keep odd-sized buffers, and drops everything after releaseAfterMs', async () => {
    const buffers = new PartBuffers({ releaseAfterMs: 20 })
    buffers.give(roundTrip(buffers.cut(filled(1000))))
    expect(buffers.heldBytes).toBe(0)
    buffers.give(roundTrip(buffers.cut(filled(MAX_RECORD_BYTES))))
    expect(buffers.heldBytes).toBe(MAX_RECORD_BYTES)
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(buffers.heldBytes).toBe(0)
  })
})

describe('blockRecords', () => {
  it('stores parts already laid out as they are, without a copy', () => {
    const parts = new PartBuffers().cut(filled(MAX_RECORD_BYTES + 5))
    const records = blockRecords(parts, new PartBuffers())
    expect(records.value).toEqual({ parts: 2, size: MAX_RECORD_BYTES + 5 })
    expect(records.copies).toEqual([])
    expect(records.parts[0]).toBe(parts[0])
    expect(records.parts[1]).toBe(parts[1])
  })

  it('cuts chunks of any other shape into owned parts with the same bytes', () => {
    const bytes = filled(2 * MAX_RECORD_BYTES + 7)
    const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, MAX_RECORD_BYTES + 3), bytes.subarray(MAX_RECORD_BYTES + 3)]
    const records = blockRecords(chunks, new PartBuffers())
    expect(records.value).toEqual({ parts: 3, size: bytes.byteLength })
    expect(records.copies).toEqual(records.parts)
    expect(records.parts.map(part => part.byteLength)).toEqual([MAX_RECORD_BYTES, MAX_RECORD_BYTES, 7])
    expect(Buffer.concat(records.parts).equals(bytes)).toBe(true)
    for (const part of records.parts) expect(part.buffer.byteLength).toBe(part.byteLength)
  })

  it('stores a small block given in chunks, or as a view, as one owned value', () => {
    const bytes = filled(3000)
    const buffers = new PartBuffers()
    const joined = blockRecords([bytes.subarray(0, 1000), bytes.subarray(1000)], buffers)
    expect(joined.parts).toEqual([])
    expect(joined.value).toEqual(bytes)
    expect(joined.copies).toEqual([joined.value])
    const view = blockRecords([filled(10_000).subarray(10, 20)], buffers).value
    expect(view instanceof Uint8Array && view.buffer.byteLength).toBe(10)
    const whole = filled(64)
    const kept = blockRecords([whole], buffers)
    expect(kept.value).toBe(whole)
    expect(kept.copies).toEqual([])
  })
})
