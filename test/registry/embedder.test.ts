/**
 * The search embedder loaded from the registry by `name@alias`: the tiny ONNX model the suite generates, registered
 * twice (the model and a changed copy), is what search embeds with after a restart with `search.registryModel`, and
 * moving `production` to the other version changes the embedder on the next start.
 */
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { writeTinyModel } from '../search/support/tiny-model.ts'
import type { TestRelay } from '../relay/support.ts'

async function filesUnder (root: string): Promise<Array<{ path: string, content: Uint8Array }>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return Promise.all(entries.filter(e => e.isFile()).map(async e => ({ path: relative(root, join(e.parentPath, e.name)), content: new Uint8Array(await readFile(join(e.parentPath, e.name))) })))
}

async function post (relay: TestRelay, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return await res.json() as Record<string, unknown>
}

async function embedderOf (relay: TestRelay): Promise<string> {
  return (await (await fetch(`${relay.url}/api/v1/search/stats`)).json() as { embedder: string }).embedder
}

const cleanup: Array<() => Promise<void>> = []
afterAll(async () => { for (const step of cleanup.reverse()) await step() })

describe('search embedder from the registry', () => {
  it('embeds with name@production after a restart, and with the promoted version after the next one', async () => {
    const modelDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-reg-model-'))
    cleanup.push(async () => { await rm(modelDir, { recursive: true, force: true }) })
    const folder = await writeTinyModel(modelDir)
    const files = await filesUnder(join(modelDir, folder))
    // registered on a relay without search: its index would hold the hashing embedder's vectors
    const relay = await startTestRelay({ 'search.enabled': false })
    const dataDir = relay.dataDir
    const add = async (extra: Record<string, string>): Promise<string> => {
      const results = await relay.service.addAll([...files, ...Object.entries(extra).map(([path, text]) => ({ path, content: new TextEncoder().encode(text) }))].map(f => ({ ...f, path: `model/${f.path}` })))
      const root = results.find(r => r.path === 'model')
      if (root === undefined) throw new Error('no root directory')
      return root.cid.toString()
    }
    const v1 = await add({})
    const v2 = await add({ 'README.md': '---\nlicense: mit\n---\nthe changed copy\n' })
    expect(v2).not.toBe(v1)
    await post(relay, '/api/v1/models/embedder/versions', { cid: v1, framework: 'onnx', alias: 'production' })
    await post(relay, '/api/v1/models/embedder/versions', { cid: v2, framework: 'onnx' })
    await relay.stop()

    const first = await startTestRelay({ 'search.registryModel': 'embedder@production' }, dataDir)
    expect(await embedderOf(first)).toBe(`transformers:${v1}:fp32:8`)
    const { cid } = await (await fetch(`${first.url}/api/v1/add?name=gig.txt`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'the guitar concert had a lovely melody' })).json() as { cid: string }
    await first.search?.idle()
    const hits = await (await fetch(`${first.url}/api/v1/search?q=music+song&mode=vector`)).json() as { hits: Array<{ cid: string }> }
    expect(hits.hits[0]?.cid).toBe(cid)
    await post(first, '/api/v1/models/embedder/aliases/production', { version: 2 })
    await first.stop()

    const second = await startTestRelay({ 'search.registryModel': 'embedder@production' }, dataDir)
    cleanup.push(async () => { await second.destroy() })
    expect(await embedderOf(second)).toBe(`transformers:${v2}:fp32:8`)
  }, 120_000)

  it('refuses to start on a reference that names no version', async () => {
    const relay = await startTestRelay()
    const dataDir = relay.dataDir
    await relay.stop()
    cleanup.push(async () => { await rm(dataDir, { recursive: true, force: true }) })
    await expect(startTestRelay({ 'search.registryModel': 'nobody@production' }, dataDir)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
  }, 60_000)
})
