import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

interface Hit { cid: string, document: { name: string, metadata: Record<string, string> } }

async function search (relay: TestRelay, q: string): Promise<Hit[]> {
  await relay.search?.idle()
  const res = await fetch(`${relay.url}/api/v1/search?q=${encodeURIComponent(q)}`)
  expect(res.status).toBe(200)
  return (await res.json() as { hits: Hit[] }).hits
}

describe('search indexes every file of an added tree', () => {
  let relay: TestRelay

  beforeAll(async () => { relay = await startTestRelay() })
  afterAll(async () => { await relay?.destroy() })

  it('finds a file inside an added directory by a word in it, under its path; unpinning the tree removes it', async () => {
    const form = new FormData()
    form.append('file', new Blob(['the quarterly zanzibarite figures\n']), 'reports/2026/q3.txt')
    form.append('file', new Blob(['nothing to see\n']), 'reports/readme.md')
    const res = await fetch(`${relay.url}/api/v1/add?name=reports`, { method: 'POST', body: form })
    expect(res.status).toBe(200)
    const added = await res.json() as { cid: string, entries: Array<{ cid: string, path: string }> }
    const file = added.entries.find(e => e.path === 'reports/2026/q3.txt')

    const hits = await search(relay, 'zanzibarite')
    expect(hits.map(h => h.cid)).toContain(file?.cid)
    const hit = hits.find(h => h.cid === file?.cid)
    expect(hit?.document.name).toBe('reports/2026/q3.txt') // the pin's name, then the path under the added directory
    expect(hit?.document.metadata.parent).toBe(added.cid)

    expect((await fetch(`${relay.url}/api/v1/pins/${added.cid}`, { method: 'DELETE' })).status).toBe(200)
    expect((await search(relay, 'zanzibarite')).map(h => h.cid)).not.toContain(file?.cid)
  })
})
