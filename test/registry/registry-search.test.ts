/**
 * Registered models and datasets in the relay's search: a model is found by words of its card (front matter and
 * README text) and by its tags, its document follows new versions and goes with the last one, and after a restart
 * the document is still there (from the snapshot, not re-read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

interface Hit { cid: string, document: { name: string, mime: string, tags: string[], metadata: Record<string, string | number | boolean> } }

let relay: TestRelay

async function addDirectory (files: Record<string, string>): Promise<string> {
  const form = new FormData()
  for (const [name, content] of Object.entries(files)) form.append('file', new Blob([content]), name)
  const res = await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })
  return (await res.json() as { cid: string }).cid
}

async function post (path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return await res.json() as Record<string, unknown>
}

async function search (query: Record<string, unknown>): Promise<Hit[]> {
  await relay.search?.idle()
  return (await post('/api/v1/search', { limit: 50, ...query })).hits as Hit[]
}

const registryHits = (hits: Hit[]): string[] => hits.map(h => h.cid).filter(cid => cid.startsWith('registry:'))

const CARD = '---\nlicense: mit\npipeline_tag: text-classification\ntags:\n  - sentiment\nlanguage: en\n---\n# Reviewer\n\nClassifies movie reviews as positive or negative.\n'

beforeAll(async () => {
  relay = await startTestRelay()
}, 60_000)

afterAll(async () => {
  await relay?.destroy()
})

describe('registry documents in search', () => {
  it('finds a model by its card text and tags, and a dataset by its description', async () => {
    const v1 = await addDirectory({ 'README.md': CARD, 'model.onnx': 'weights-1' })
    await post('/api/v1/models/reviewer/versions', { cid: v1, framework: 'onnx', tags: ['nlp'] })
    const data = await addDirectory({ 'train.jsonl': '{"text":"good"}\n' })
    await post('/api/v1/datasets/imdb-small/versions', { cid: data, description: 'a slice of film critiques' })

    const bySentiment = await search({ query: 'sentiment' })
    expect(registryHits(bySentiment)).toEqual(['registry:model/reviewer'])
    const doc = bySentiment.find(h => h.cid === 'registry:model/reviewer')?.document
    expect(doc).toMatchObject({ name: 'reviewer', mime: 'application/vnd.ipfs-kit.model+json', tags: ['nlp', 'sentiment'], metadata: { registry: 'model', ref: 'reviewer@1', root: v1, framework: 'onnx' } })
    expect(registryHits(await search({ query: 'movie reviews positive' }))).toContain('registry:model/reviewer')
    expect(registryHits(await search({ query: 'text classification' }))).toContain('registry:model/reviewer')
    expect(registryHits(await search({ query: '', filters: { tags: ['sentiment'], mime: 'application/vnd.ipfs-kit.model+json' } }))).toEqual(['registry:model/reviewer'])
    expect(registryHits(await search({ query: 'film critiques' }))).toEqual(['registry:dataset/imdb-small'])
  })

  it('follows a new version and removes the document with the last version', async () => {
    const v2 = await addDirectory({ 'README.md': CARD.replace('sentiment', 'toxicity'), 'model.onnx': 'weights-2' })
    await post('/api/v1/models/reviewer/versions', { cid: v2 })
    const hit = (await search({ query: 'toxicity' })).find(h => h.cid === 'registry:model/reviewer')
    expect(hit?.document.metadata).toMatchObject({ ref: 'reviewer@2', root: v2 })
    expect(registryHits(await search({ query: 'sentiment' }))).toEqual([])

    const res = await fetch(`${relay.url}/api/v1/datasets/imdb-small@1`, { method: 'DELETE' })
    expect(res.ok).toBe(true)
    expect(registryHits(await search({ query: 'film critiques' }))).toEqual([])
  })

  it('keeps the documents across a restart', async () => {
    await relay.stop()
    relay = await startTestRelay({}, relay.dataDir)
    const hit = (await search({ query: 'toxicity' })).find(h => h.cid === 'registry:model/reviewer')
    expect(hit?.document.metadata).toMatchObject({ ref: 'reviewer@2' })
    expect(relay.search?.stats().loadedFromSnapshot).toBe(true)
  })
})
