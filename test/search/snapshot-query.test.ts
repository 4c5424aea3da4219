import { describe, expect, it } from 'vitest'
import { createHashingEmbedder, InvalidQueryError, parseSearchQuery, SearchIndex, SnapshotMismatchError, VectorIndex, hashText } from '../../core/search/index.ts'
import { SNAPSHOT_VERSION } from '../../core/search/snapshot.ts'
import { CORPUS, LABELLED } from './support/corpus.ts'

describe('search snapshots', () => {
  it('load without re-indexing and answer like the original in every mode', async () => {
    const index = new SearchIndex({ embedder: createHashingEmbedder() })
    await index.upsertMany(CORPUS)
    const bytes = index.save()
    const loaded = SearchIndex.load(bytes, { embedder: createHashingEmbedder() })
    expect(loaded.size).toBe(CORPUS.length)
    for (const mode of ['text', 'vector', 'hybrid'] as const) {
      for (const { query } of LABELLED) {
        const before = await index.search({ query, mode, facets: ['tags'] })
        const after = await loaded.search({ query, mode, facets: ['tags'] })
        expect(after.hits.map(h => [h.cid, h.score])).toEqual(before.hits.map(h => [h.cid, h.score]))
        expect(after.facets).toEqual(before.facets)
      }
    }
    expect(loaded.get('doc-photo')).toEqual(index.get('doc-photo'))
  })

  it('keeps working after a load: empty-query listing, filters, updates, removals and a second save/load', async () => {
    const index = new SearchIndex({ embedder: createHashingEmbedder() })
    await index.upsertMany(CORPUS)
    await index.remove('doc-photo')
    const loaded = SearchIndex.load(index.save(), { embedder: createHashingEmbedder() })
    const listing = async (target: SearchIndex): Promise<string[]> => (await target.search({ query: '', limit: 100 })).hits.map(h => h.cid).sort()
    expect(await listing(loaded)).toEqual(await listing(index))
    expect(loaded.has('doc-photo')).toBe(false)
    const first = CORPUS[0]
    if (first === undefined) throw new Error('empty corpus')
    await loaded.upsert({ ...first, name: 'zanzibar notes', text: 'zanzibar spices and cloves' })
    await loaded.remove(CORPUS[1]?.cid ?? '')
    await loaded.upsert({ cid: 'doc-new', name: 'new arrival', text: 'quokka island' })
    const again = SearchIndex.load(loaded.save(), { embedder: createHashingEmbedder() })
    for (const target of [loaded, again]) {
      expect((await target.search({ query: 'zanzibar' })).hits.map(h => h.cid)).toEqual([first.cid])
      expect((await target.search({ query: 'quokka' })).hits.map(h => h.cid)).toEqual(['doc-new'])
      expect(target.has(CORPUS[1]?.cid ?? '')).toBe(false)
    }
    expect(await listing(again)).toEqual(await listing(loaded))
    for (const { query } of LABELLED) {
      const a = await loaded.search({ query, mode: 'hybrid', facets: ['tags', 'mime'] })
      const b = await again.search({ query, mode: 'hybrid', facets: ['tags', 'mime'] })
      expect(b.hits.map(h => [h.cid, h.score])).toEqual(a.hits.map(h => [h.cid, h.score]))
      expect(b.facets).toEqual(a.facets)
    }
  })

  it('refuses a snapshot of an older format version', async () => {
    const index = new SearchIndex({ embedder: createHashingEmbedder() })
    await index.upsertMany(CORPUS)
    const bytes = index.save()
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))
    const old = new TextEncoder().encode(header.replace(`"version":${SNAPSHOT_VERSION}`, `"version":${SNAPSHOT_VERSION - 1}`))
    expect(old.byteLength).toBe(headerLength)
    const stale = Uint8Array.from(bytes)
    stale.set(old, 8)
    expect(() => SearchIndex.load(stale, { embedder: createHashingEmbedder() })).toThrow(expect.objectContaining({ code: 'ERR_SNAPSHOT_MISMATCH' }))
  })

  it('refuses a snapshot from another embedder or of another format', async () => {
    const index = new SearchIndex({ embedder: createHashingEmbedder() })
    await index.upsertMany(CORPUS)
    expect(() => SearchIndex.load(index.save(), { embedder: createHashingEmbedder({ dimensions: 64 }) })).toThrow(SnapshotMismatchError)
    expect(() => SearchIndex.load(new TextEncoder().encode('nope nope'), { embedder: createHashingEmbedder() })).toThrow(expect.objectContaining({ code: 'ERR_SNAPSHOT_MISMATCH' }))
  })
})

describe('IVF vector index', () => {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu']
  const textOf = (i: number): string => `${words[i % 12] ?? ''} ${words[(i * 7) % 12] ?? ''} ${words[(i * 5) % 11] ?? ''} item${i}`

  it('finds the same nearest neighbours as an exact scan for most queries once trained, and survives a snapshot', () => {
    const index = new VectorIndex({ dimensions: 64, trainAt: 256 })
    for (let i = 0; i < 1000; i++) index.set(`v${i}`, hashText(textOf(i), 64, 1, 0.5))
    expect(index.trained).toBe(true)
    let agree = 0
    for (let q = 0; q < 50; q++) {
      const query = hashText(textOf(q * 13), 64, 1, 0.5)
      const approx = index.search(query, 1)[0]?.id
      if (approx === index.search(query, 1, { exact: true })[0]?.id) agree++
    }
    expect(agree).toBeGreaterThanOrEqual(45)
    const restored = VectorIndex.fromState(index.state())
    const query = hashText(textOf(7), 64, 1, 0.5)
    expect(restored.search(query, 10)).toEqual(index.search(query, 10))
    expect(restored.delete('v7')).toBe(true)
    expect(restored.search(query, 10).map(h => h.id)).not.toContain('v7')
  })
})

describe('search query validation', () => {
  const fieldOf = (input: unknown): string | undefined => {
    try {
      parseSearchQuery(input)
      return undefined
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidQueryError)
      expect(err).toMatchObject({ code: 'ERR_INVALID_QUERY' })
      return (err as InvalidQueryError).field
    }
  }

  it('names the bad field of a malformed query or filter', () => {
    expect(fieldOf({ query: 'x', mode: 'fuzzy' })).toBe('mode')
    expect(fieldOf({ query: 'x', filters: { minSize: 'big' } })).toBe('filters.minSize')
    expect(fieldOf({ query: 'x', filters: { mime: ['not a mime'] } })).toBe('filters.mime.0')
    expect(fieldOf({ query: 'x', filters: { colour: 'red' } })).toBe('filters.colour')
    expect(fieldOf({ query: 'x', filters: { addedAfter: 'yesterday-ish' } })).toBe('filters.addedAfter')
    expect(fieldOf({ query: 'x', filters: { minSize: 10, maxSize: 5 } })).toBe('filters.minSize')
    expect(fieldOf({ query: 'x', limit: 1000 })).toBe('limit')
    expect(fieldOf({ query: '', mode: 'vector' })).toBe('query')
    expect(fieldOf({ query: 'x', facets: ['colour'] })).toBe('facets.0')
  })

  it('accepts query-string shapes: comma lists, numbers as strings, ISO dates', () => {
    expect(parseSearchQuery({ query: 'x', limit: '5', filters: { tags: 'a, b', addedAfter: '2026-01-01T00:00:00Z', minSize: '10' } })).toMatchObject({
      limit: 5, filters: { tags: ['a', 'b'], addedAfter: Date.parse('2026-01-01T00:00:00Z'), minSize: 10 }
    })
  })
})

describe('lazy postings sets', () => {
  it('behave as the filled set for every Set operation, as receiver and as argument', async () => {
    const { LazyIdSet } = await import('../../core/search/lazy-state.ts')
    const lazy = (): Set<number> => new LazyIdSet(Uint32Array.from([3, 1, 2]))
    const other = new Set([2, 3, 4])
    expect([...lazy()]).toEqual([3, 1, 2])
    expect(lazy().size).toBe(3)
    expect([...lazy().union(other)].sort()).toEqual([1, 2, 3, 4])
    expect([...lazy().intersection(other)].sort()).toEqual([2, 3])
    expect([...other.intersection(lazy())].sort()).toEqual([2, 3])
    expect([...lazy().difference(other)]).toEqual([1])
    expect(lazy().isSubsetOf(new Set([1, 2, 3, 9]))).toBe(true)
    expect(Array.from(lazy())).toEqual([3, 1, 2])
    const set = lazy()
    set.delete(1)
    set.add(7)
    expect([...set]).toEqual([3, 2, 7])
  })
})
