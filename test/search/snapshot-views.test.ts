import { describe, expect, it } from 'vitest'
import { syntheticDocs, vectorQueries } from '../../bench/lib/search-data.ts'
import { createHashingEmbedder, SearchIndex } from '../../core/search/index.ts'

const { docs } = syntheticDocs(600)
const queries = vectorQueries(12, docs)
const vectorsInit = { trainAt: 128, retrainUntil: 256 }

async function hitsOf (index: SearchIndex): Promise<string[][]> {
  const out: string[][] = []
  for (const query of queries) {
    for (const mode of ['text', 'vector', 'hybrid'] as const) out.push((await index.search({ query, mode, limit: 20 })).hits.map(hit => `${hit.cid} ${hit.score.toFixed(6)}`))
  }
  return out
}

/** The same changes on both indexes: a replaced text and vector, removals, new documents. */
async function change (index: SearchIndex): Promise<void> {
  for (const doc of docs.slice(0, 40)) await index.upsert({ ...doc, text: `${doc.text} quokka zanzibar`, name: `renamed ${doc.name}` })
  for (const doc of docs.slice(40, 90)) await index.remove(doc.cid)
  await index.upsertMany(docs.slice(100, 130).map(doc => ({ ...doc, cid: `${doc.cid}-copy`, text: `island ${doc.text}` })))
}

describe('a loaded snapshot\'s arrays (the index keeps views of them, copied on the first change)', () => {
  it('are never written: changes after the load leave the bytes as they were, and answer like the original', async () => {
    const original = new SearchIndex({ embedder: createHashingEmbedder(), vectors: vectorsInit })
    await original.upsertMany(docs)
    expect(original.approximate).toBe(true)
    const bytes = original.save()
    const pristine = bytes.slice()
    const loaded = SearchIndex.load(bytes, { embedder: createHashingEmbedder(), vectors: vectorsInit })
    expect(await hitsOf(loaded)).toEqual(await hitsOf(original))
    await change(original)
    await change(loaded)
    // a write into a shared view would show here as changed bytes
    expect(Buffer.compare(bytes, pristine)).toBe(0)
    expect(await hitsOf(loaded)).toEqual(await hitsOf(original))
    // and a second snapshot of the changed index loads to the same answers
    const again = SearchIndex.load(loaded.save(), { embedder: createHashingEmbedder(), vectors: vectorsInit })
    expect(await hitsOf(again)).toEqual(await hitsOf(original))
  })
})
