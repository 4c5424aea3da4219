import { describe, expect, it } from 'vitest'
import { createHashingEmbedder, SearchIndex } from '../../core/search/index.ts'
import { CORPUS, LABELLED } from './support/corpus.ts'
import type { SearchResult } from '../../core/search/index.ts'

async function corpusIndex (): Promise<SearchIndex> {
  const index = new SearchIndex({ embedder: createHashingEmbedder() })
  await index.upsertMany(CORPUS)
  return index
}

const cids = (result: SearchResult): string[] => result.hits.map(hit => hit.cid)

describe('SearchIndex relevance on a labelled set', () => {
  for (const mode of ['text', 'vector', 'hybrid'] as const) {
    it(`ranks the expected document first in ${mode} mode`, async () => {
      const index = await corpusIndex()
      for (const { query, expect: expected } of LABELLED) {
        const result = await index.search({ query, mode })
        expect(cids(result)[0], `${mode}: ${query}`).toBe(expected)
      }
    })
  }

  it('tolerates typos and matches prefixes in text mode', async () => {
    const index = await corpusIndex()
    expect(cids(await index.search({ query: 'tomatto' }))[0]).toBe('doc-recipe')
    expect(cids(await index.search({ query: 'gossip' }))[0]).toBe('doc-network')
    expect(cids(await index.search({ query: 'tomatto', tolerance: 0 }))).toEqual([])
  })

  it('finds word forms in vector mode through shared trigrams (lexical, not semantic)', async () => {
    const index = await corpusIndex()
    expect(cids(await index.search({ query: 'planetary astronomer', mode: 'vector' }))[0]).toBe('doc-astronomy')
  })
})

describe('SearchIndex filters and facets', () => {
  it('filters by tags (all / any), mime (exact and type/*), size and date ranges in every mode', async () => {
    const index = await corpusIndex()
    for (const mode of ['text', 'hybrid', 'vector'] as const) {
      // vector hits need some similarity: a query made of every name and tag is close to every document
      const query = mode === 'text' ? '' : CORPUS.map(doc => `${doc.name ?? ''} ${(doc.tags ?? []).join(' ')}`).join(' ')
      const run = async (filters: object): Promise<string[]> => cids(await index.search({ query, mode, filters, limit: 100 })).sort()
      expect(await run({ tags: ['science', 'data'] }), mode).toEqual(['doc-csv'])
      expect(await run({ anyTags: ['finance', 'cooking'] }), mode).toEqual(['doc-invoice', 'doc-recipe'])
      expect(await run({ mime: ['text/markdown'] }), mode).toEqual(['doc-astronomy', 'doc-garden'])
      expect(await run({ mime: ['image/*', 'application/json'] }), mode).toEqual(['doc-invoice', 'doc-photo'])
      expect(await run({ minSize: 3_000, maxSize: 12_000 }), mode).toEqual(['doc-astronomy', 'doc-football', 'doc-garden', 'doc-network'])
      expect(await run({ addedAfter: 6_000, addedBefore: 7_500 }), mode).toEqual(['doc-csv', 'doc-photo'])
    }
  })

  it('counts facets over all hits, not just the page', async () => {
    const index = await corpusIndex()
    const result = await index.search({ query: '', facets: ['tags', 'mime', 'size'], limit: 1 })
    expect(result.count).toBe(CORPUS.length)
    expect(result.hits).toHaveLength(1)
    expect(result.facets.tags).toMatchObject({ science: 2, work: 2, cooking: 1 })
    expect(result.facets.mime).toMatchObject({ 'text/markdown': 2, 'text/plain': 2, 'image/jpeg': 1 })
    expect(result.facets.size).toEqual({ '<1KiB': 1, '1KiB-1MiB': 6, '1MiB-100MiB': 1, '>=100MiB': 0 })
    const filtered = await index.search({ query: '', filters: { tags: ['work'] }, facets: ['tags'] })
    expect(filtered.facets.tags).toMatchObject({ work: 2, finance: 1, networking: 1 })
  })

  it('pages with limit and offset', async () => {
    const index = await corpusIndex()
    const all = cids(await index.search({ query: '', limit: 100 }))
    expect(cids(await index.search({ query: '', limit: 3, offset: 2 }))).toEqual(all.slice(2, 5))
  })
})

describe('SearchIndex documents', () => {
  it('keeps metadata-only documents with the reason for missing text', async () => {
    const index = await corpusIndex()
    const hit = (await index.search({ query: 'holiday' })).hits[0]
    expect(hit?.document).toMatchObject({ textStatus: 'skipped', textNote: 'no text extractor for image/jpeg', mime: 'image/jpeg' })
  })

  it('replaces a document on upsert, keeping when it was first added, and removes it', async () => {
    const index = await corpusIndex()
    await index.upsert({ cid: 'doc-recipe', name: 'pumpkin.txt', text: 'pumpkin pie', mime: 'text/plain' })
    expect(index.get('doc-recipe')).toMatchObject({ name: 'pumpkin.txt', addedAt: 2_000 })
    expect(cids(await index.search({ query: 'tomato' }))).not.toContain('doc-recipe')
    expect(cids(await index.search({ query: 'pumpkin', mode: 'vector' }))[0]).toBe('doc-recipe')
    expect(await index.remove('doc-recipe')).toBe(true)
    expect(await index.remove('doc-recipe')).toBe(false)
    for (const mode of ['text', 'vector', 'hybrid'] as const) expect(cids(await index.search({ query: 'pumpkin', mode }))).toEqual([])
    expect(index.size).toBe(CORPUS.length - 1)
  })
})
