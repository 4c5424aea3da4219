import { create, insertMultiple, search } from '@orama/orama'
import { describe, expect, it } from 'vitest'
import { prng, syntheticDocs, vectorQueries } from '../../bench/lib/search-data.ts'
import { createOramaDb, tokenizerOf } from '../../core/search/orama-db.ts'
import { TEXT_FIELDS } from '../../core/search/search-index.ts'
import { loadTextIndex, saveTextIndex } from '../../core/search/text-index-snapshot.ts'
import { TextIndex } from '../../core/search/text-index.ts'
import { SnapshotMismatchError } from '../../core/search/errors.ts'

const { docs, words } = syntheticDocs(1500)
const queries = [...vectorQueries(25, docs), ...words.slice(300, 320).map((w, i) => `${w} ${words[900 + i] ?? ''}`)]

function textIndex (): TextIndex {
  const index = new TextIndex({ fields: TEXT_FIELDS, tokenize: tokenizerOf(createOramaDb()) })
  docs.forEach((doc, i) => { index.add(i + 1, { name: doc.name, keywords: doc.tags.join(' '), text: doc.text }) })
  return index
}

describe('TextIndex', () => {
  it('scores like Orama 3 BM25 over the same fields and boosts (the ranking hybrid search had before)', async () => {
    const orama = create({ schema: { name: 'string', keywords: 'string', text: 'string' } as const, sort: { enabled: false } })
    await insertMultiple(orama, docs.map((doc, i) => ({ id: String(i + 1), name: doc.name, keywords: doc.tags.join(' '), text: doc.text })))
    const index = textIndex()
    for (const query of queries) {
      const expected = await search(orama, { term: query, properties: ['name', 'keywords', 'text'], boost: TEXT_FIELDS, limit: 20 })
      const got = index.search(query, { k: 20 }).top
      expect(got).toHaveLength(expected.hits.length)
      got.forEach((hit, i) => { expect(hit.score, query).toBeCloseTo(expected.hits[i]?.score ?? NaN, 9) })
      // ids agree wherever scores are not tied
      const tied = (i: number): boolean => expected.hits.some((hit, j) => j !== i && Math.abs(hit.score - (expected.hits[i]?.score ?? 0)) < 1e-9)
      got.forEach((hit, i) => { if (!tied(i)) expect(String(hit.doc), query).toBe(expected.hits[i]?.id) })
    }
  })

  it('returns the same top k with max-score pruning as when it scores every match', () => {
    const index = textIndex()
    for (const query of queries) {
      for (const k of [1, 10, 100]) {
        const pruned = index.search(query, { k })
        const full = index.search(query, { k, all: true })
        expect(pruned.top, `${query} k=${k}`).toEqual(full.top)
      }
    }
  })

  it('matches only the last query word as a prefix with prefixes: last (the text side of hybrid search)', () => {
    const index = new TextIndex({ fields: TEXT_FIELDS, tokenize: tokenizerOf(createOramaDb()) })
    index.add(1, { name: '', keywords: '', text: 'planetarium visit' })
    index.add(2, { name: '', keywords: '', text: 'planet orbits' })
    index.add(3, { name: '', keywords: '', text: 'orbital mechanics' })
    const docsOf = (query: string, prefixes: 'every' | 'last'): number[] => index.search(query, { k: 10, prefixes }).top.map(hit => hit.doc).sort()
    expect(docsOf('planet orbit', 'every')).toEqual([1, 2, 3])
    // "planet" only as a whole word; "orbit" (last, maybe unfinished) still as a prefix of "orbits" and "orbital"
    expect(docsOf('planet orbit', 'last')).toEqual([2, 3])
    expect(docsOf('orbit planet', 'last')).toEqual([1, 2])
    expect(docsOf('planetarium', 'last')).toEqual([1])
  })

  it('keeps only accepted documents, and forgets removed ones', () => {
    const index = textIndex()
    const random = prng(3)
    const accept = new Set(Array.from({ length: 300 }, () => 1 + Math.floor(random() * docs.length)))
    for (const query of queries.slice(0, 10)) {
      for (const hit of index.search(query, { k: 50, accept }).top) expect(accept.has(hit.doc)).toBe(true)
    }
    const query = queries[0] ?? ''
    const first = index.search(query, { k: 1 }).top[0]
    if (first === undefined) throw new Error('no hit')
    const doc = docs[first.doc - 1]
    if (doc === undefined) throw new Error('no doc')
    index.remove(first.doc, { name: doc.name, keywords: doc.tags.join(' '), text: doc.text })
    expect(index.search(query, { k: 100, all: true }).matched).not.toContain(first.doc)
  })

  it('refuses a snapshot whose postings do not match its words (ERR_SNAPSHOT_MISMATCH), naming the field', () => {
    const sections = new Map(saveTextIndex(textIndex()))
    const load = (): TextIndex => loadTextIndex(sections, { fields: TEXT_FIELDS, tokenize: tokenizerOf(createOramaDb()) })
    const name = 'text.bm25.text.offsets'
    const offsets = sections.get(name)
    if (offsets === undefined) throw new Error('no offsets section')
    // one offset short
    sections.set(name, offsets.subarray(0, offsets.byteLength - 4))
    expect(load).toThrow(SnapshotMismatchError)
    expect(load).toThrow(/text field text/)
    // offsets that go backwards: a term would have a negative number of documents
    const backwards = new Uint32Array(offsets.slice().buffer)
    backwards[2] = (backwards[1] ?? 0) > 0 ? 0 : 1_000_000
    sections.set(name, new Uint8Array(backwards.buffer))
    expect(load).toThrow(SnapshotMismatchError)
    // past the end of the documents
    const beyond = new Uint32Array(offsets.slice().buffer)
    beyond[beyond.length - 1] = 0xffffffff
    sections.set(name, new Uint8Array(beyond.buffer))
    expect(load).toThrow(SnapshotMismatchError)
  })

  it('answers the same after a snapshot round trip, and takes changes after it', () => {
    const index = textIndex()
    const sections = new Map(saveTextIndex(index))
    const loaded = loadTextIndex(sections, { fields: TEXT_FIELDS, tokenize: tokenizerOf(createOramaDb()) })
    for (const query of queries) expect(loaded.search(query, { k: 10 }).top, query).toEqual(index.search(query, { k: 10 }).top)
    loaded.add(docs.length + 1, { name: 'zanzibar.txt', keywords: '', text: 'zanzibar cloves' })
    expect(loaded.search('zanzibar', { k: 5 }).top.map(hit => hit.doc)).toEqual([docs.length + 1])
  })
})
