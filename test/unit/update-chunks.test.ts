import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { encodeStateAsChunks } from '../../core/cluster/update-chunks.ts'

function entries (doc: Y.Doc): Array<[string, unknown]> {
  return Object.entries(doc.getMap('pins').toJSON()).sort(([a], [b]) => a < b ? -1 : 1)
}

/** Two writers, overlapping history, deletions and overwrites: what a cluster's state holds after some churn. */
function churned (): { a: Y.Doc, b: Y.Doc } {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const pins = a.getMap('pins')
  for (let i = 0; i < 4000; i++) pins.set(`pin-${i}`, { cid: `bafy-${i}`, note: 'x'.repeat(40) })
  for (let i = 0; i < 1000; i++) b.getMap('pins').set(`b-${i}`, { by: 'b', i })
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  for (let i = 0; i < 3500; i++) pins.delete(`pin-${i}`)
  for (let i = 3900; i < 4000; i++) pins.set(`pin-${i}`, { cid: `bafy-${i}`, note: 'overwritten' })
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
  return { a, b }
}

describe('encodeStateAsChunks', () => {
  it('rebuilds the whole state in an empty document from chunks of about the size asked for', () => {
    const { a } = churned()
    const chunks = [...encodeStateAsChunks(a, undefined, 16 * 1024)]
    expect(chunks.length).toBeGreaterThan(5)
    // a chunk is cut after the struct that crosses the limit: never more than one struct over
    for (const chunk of chunks) expect(chunk.byteLength).toBeLessThan(17 * 1024)
    const c = new Y.Doc()
    for (const chunk of chunks) Y.applyUpdate(c, chunk)
    expect(entries(c)).toEqual(entries(a))
    expect(Y.encodeStateVector(c)).toEqual(Y.encodeStateVector(a))
    expect(c.getMap('pins').has('pin-0')).toBe(false)
  })

  it('sends a peer only what its state vector lacks, deletions of items it already holds included', () => {
    const { a, b } = churned()
    const before = Y.encodeStateAsUpdate(b)
    const chunks = [...encodeStateAsChunks(a, Y.encodeStateVector(b), 16 * 1024)]
    expect(chunks.reduce((n, c) => n + c.byteLength, 0)).toBeLessThan(before.byteLength / 4)
    expect(b.getMap('pins').has('pin-0')).toBe(true)
    for (const chunk of chunks) Y.applyUpdate(b, chunk)
    expect(entries(b)).toEqual(entries(a))
    expect(b.getMap('pins').has('pin-0')).toBe(false)
  })

  it('converges whatever order the chunks arrive in', () => {
    const { a } = churned()
    const chunks = [...encodeStateAsChunks(a, undefined, 8 * 1024)].reverse()
    const c = new Y.Doc()
    for (const chunk of chunks) Y.applyUpdate(c, chunk)
    expect(entries(c)).toEqual(entries(a))
    expect(c.store.pendingStructs).toBeNull()
  })

  it('sends only the delete set to a peer that holds everything', () => {
    const { a } = churned()
    const chunks = [...encodeStateAsChunks(a, Y.encodeStateVector(a))]
    expect(chunks).toEqual([Y.encodeStateAsUpdate(a, Y.encodeStateVector(a))])
  })
})
