/**
 * Hugging Face interop on a real relay against the fake Hub (test/storage/support/hf-hub-server.ts, which speaks the
 * routes @huggingface/hub calls): a model repo and a dataset repo imported at a revision (files verified against the
 * Hub's ids, stored as one UnixFS directory, the commit recorded), a corrupted file refused with nothing registered,
 * and versions exported back to Hub repos whose files are byte for byte the originals, so importing the export gives
 * the same root CID. Calls go over REST, MCP and the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCardFrontMatter } from '../../core/registry/index.ts'
import { startTestRelay } from '../relay/support.ts'
import { restJson, runCliJson } from '../support/surfaces.ts'
import { callOk, call, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { HubState, sha256Hex } from '../storage/support/hf-hub-state.ts'
import { startFakeHub } from '../storage/support/hf-hub-server.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import type { FakeHub } from '../storage/support/hf-hub-server.ts'
import type { HubRepo, HubRepoType } from '../storage/support/hf-hub-state.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

const TOKEN_ENV = 'IPFS_KIT_TEST_HF_REGISTRY_TOKEN'
const CARD = '---\nlicense: apache-2.0\ntags:\n  - sentiment\n  - text-classification\nlibrary_name: transformers\n---\n# tiny sentiment model\n'

let hub: FakeHub
let relay: TestRelay
let mcp: Client

interface Version { kind: string, name: string, version: number, cid: string, files: number, card?: Record<string, unknown>, origin?: Record<string, string>, dataset?: { splits: Record<string, { rows: number }> } }

/** Commit files to a repo of the fake Hub directly (as a user pushing with git): binary files go to LFS. */
function push (repo: HubRepo, files: Record<string, string | Uint8Array>, title = 'upload'): string {
  const put = Object.entries(files).map(([path, content]) => {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
    if (typeof content === 'string') return HubState.regularFile(path, bytes)
    const oid = sha256Hex(bytes)
    hub.state.lfs.set(oid, bytes)
    return HubState.lfsFile(path, oid, bytes.byteLength)
  })
  return hub.state.commit(repo, 'main', title, { put, remove: [] }).oid
}

/** The bytes of every file of a fake Hub repo at the head of main. */
function filesOf (type: HubRepoType, name: string): Record<string, string> {
  const repo = hub.state.repos.get(HubState.key(type, name))
  const head = repo === undefined ? undefined : hub.state.resolve(repo, 'main')
  return Object.fromEntries([...(head?.files.values() ?? [])].map(f => [f.path, Buffer.from(hub.state.bytesOf(f) ?? new Uint8Array()).toString('base64')]))
}

async function rest (method: string, path: string, body?: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  return await restJson(relay.url, method, path, body)
}

async function cli (...argv: string[]): Promise<{ exit: number | null, json: Record<string, unknown> }> {
  return await runCliJson(relay.url, argv)
}

const weights = pseudoRandomBytes(300_000, 7)
const heads: { tiny?: string, tinyV1?: string } = {}

beforeAll(async () => {
  hub = await startFakeHub({ tokens: { hf_registry: 'write' } })
  hub.createRepo('dataset', 'kit/store')
  const tiny = hub.createRepo('model', 'org/tiny-sentiment')
  heads.tinyV1 = push(tiny, { 'README.md': CARD, 'config.json': '{"labels":["neg","pos"]}', 'model.safetensors': weights })
  heads.tiny = push(tiny, { 'config.json': '{"labels":["negative","positive"]}' }, 'rename labels')
  const corpus = hub.createRepo('dataset', 'org/reviews')
  push(corpus, {
    'README.md': '---\nlicense: cc-by-4.0\ntask_categories:\n  - text-classification\n---\n# reviews\n',
    'data/train.jsonl': '{"text":"good","label":1}\n{"text":"bad","label":0}\n{"text":"fine","label":1}\n',
    'data/test.csv': 'text,label\nawful,0\n'
  })
  hub.createRepo('model', 'org/tiny-copy')
  hub.createRepo('dataset', 'org/reviews-copy')
  hub.createRepo('model', 'org/bare')
  process.env[TOKEN_ENV] = 'hf_registry'
  relay = await startTestRelay({
    'storage.backends': [
      { kind: 'local', name: 'local' },
      { kind: 'huggingface', name: 'hf', repo: 'kit/store', repoType: 'dataset', hubUrl: hub.url, tokenEnv: TOKEN_ENV }
    ]
  })
  mcp = await connectHttp(relay.url)
}, 60_000)

afterAll(async () => {
  await mcp?.close()
  await relay?.destroy()
  await hub?.stop()
})

describe('Hugging Face import and export', () => {
  it('imports a model repo at main: files verified into one UnixFS directory, the commit and the card recorded', async () => {
    const { status, json } = await rest('POST', '/api/v1/hf/imports', { repo: 'org/tiny-sentiment', alias: 'production' })
    expect(status).toBe(201)
    const version = json.version as Version
    expect(json.commit).toBe(heads.tiny)
    expect(json.paths).toEqual(['.gitattributes', 'README.md', 'config.json', 'model.safetensors'])
    expect(version).toMatchObject({ kind: 'model', name: 'tiny-sentiment', version: 1, files: 4, card: { license: 'apache-2.0', tags: ['sentiment', 'text-classification'] } })
    expect(version.origin).toEqual({ hub: hub.url, repo: 'org/tiny-sentiment', repoType: 'model', revision: 'main', commit: heads.tiny })
    const cat = await fetch(`${relay.url}/api/v1/cat/${version.cid}/model.safetensors`)
    expect(new Uint8Array(await cat.arrayBuffer())).toEqual(weights)
    const config = await fetch(`${relay.url}/api/v1/cat/${version.cid}/config.json`)
    expect(await config.text()).toBe('{"labels":["negative","positive"]}')
  })

  it('imports an older revision by commit id on the CLI (model pull), with that commit\'s files', async () => {
    const out = await cli('model', 'pull', 'org/tiny-sentiment', '--revision', heads.tinyV1 ?? '', '--name', 'tiny-sentiment')
    expect(out.exit).toBe(0)
    const version = out.json.version as Version
    expect(version.version).toBe(2)
    expect(version.origin?.commit).toBe(heads.tinyV1)
    const config = await fetch(`${relay.url}/api/v1/cat/${version.cid}/config.json`)
    expect(await config.text()).toBe('{"labels":["neg","pos"]}')
  })

  it('refuses a file whose bytes do not match the Hub\'s id (ERR_BLOCK_CORRUPT), registering nothing', async () => {
    const bad = hub.createRepo('model', 'org/corrupt')
    push(bad, { 'weights.bin': pseudoRandomBytes(5000, 3) })
    hub.corrupt('model', 'org/corrupt', 'weights.bin')
    const { status, json } = await rest('POST', '/api/v1/hf/imports', { repo: 'org/corrupt' })
    expect(status).toBe(502)
    expect(json.code).toBe('ERR_BLOCK_CORRUPT')
    expect((await rest('GET', '/api/v1/models/corrupt')).json.code).toBe('ERR_NOT_FOUND')
    const missing = await rest('POST', '/api/v1/hf/imports', { repo: 'org/nothing-here' })
    expect(missing.json.code).toBe('ERR_NOT_FOUND')
    expect((await rest('POST', '/api/v1/hf/imports', { repo: 'org/tiny-sentiment', backend: 'local' })).json.code).toBe('ERR_INVALID_INPUT')
  })

  it('exports a model version to another repo byte for byte; importing the export gives the same root CID', async () => {
    const out = await cli('model', 'push', 'tiny-sentiment@production', 'org/tiny-copy')
    expect(out.exit).toBe(0)
    expect(out.json).toMatchObject({ repo: 'org/tiny-copy', branch: 'main', cardGenerated: false, paths: ['.gitattributes', 'README.md', 'config.json', 'model.safetensors'] })
    expect(filesOf('model', 'org/tiny-copy')).toEqual(filesOf('model', 'org/tiny-sentiment'))
    // binary files went up through LFS, as the Hub keeps them
    const copyRepo = hub.state.repos.get(HubState.key('model', 'org/tiny-copy'))
    expect(copyRepo === undefined ? undefined : hub.state.resolve(copyRepo, 'main')?.files.get('model.safetensors')?.lfs?.oid).toBe(sha256Hex(weights))
    const again = await callOk<{ version: Version, commit: string }>(mcp, 'model_import_hf', { repo: 'org/tiny-copy', name: 'tiny-roundtrip' })
    expect(again.commit).toBe(out.json.commit)
    const original = await rest('GET', '/api/v1/models/tiny-sentiment@production')
    expect(again.version.cid).toBe((original.json.resolved as Version).cid)
  })

  it('imports a dataset repo (splits and rows read) and exports it back unchanged', async () => {
    const imported = await callOk<{ version: Version }>(mcp, 'model_import_hf', { repo: 'org/reviews', kind: 'dataset', revision: 'main' })
    expect(imported.version).toMatchObject({ kind: 'dataset', name: 'reviews', card: { license: 'cc-by-4.0' } })
    expect(imported.version.dataset?.splits).toEqual({ train: { rows: 3, files: 1 }, test: { rows: 1, files: 1 } })
    const exported = await callOk<{ commit: string }>(mcp, 'model_export_hf', { ref: 'reviews@1', kind: 'dataset', repo: 'org/reviews-copy' })
    expect(exported.commit).toMatch(/^[0-9a-f]{40}$/)
    expect(filesOf('dataset', 'org/reviews-copy')).toEqual(filesOf('dataset', 'org/reviews'))
    const again = await rest('POST', '/api/v1/hf/imports', { repo: 'org/reviews-copy', kind: 'dataset' })
    expect((again.json.version as Version).cid).toBe(imported.version.cid)
  })

  it('writes a model card from the record when the version has none', async () => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'model.onnx')
    const dir = await (await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })).json() as { cid: string }
    await rest('POST', '/api/v1/models/bare/versions', { cid: dir.cid, framework: 'onnx', tags: ['sentiment'], metrics: { accuracy: 0.75 } })
    const out = await rest('POST', '/api/v1/hf/exports', { ref: 'bare@1', repo: 'org/bare' })
    expect(out.status).toBe(201)
    expect(out.json.cardGenerated).toBe(true)
    const readme = Buffer.from(filesOf('model', 'org/bare')['README.md'] ?? '', 'base64').toString()
    expect(parseCardFrontMatter(readme)).toEqual({ tags: ['sentiment'], library_name: 'onnx', metrics: { accuracy: 0.75 }, ipfs_kit: { name: 'bare', version: 1, cid: dir.cid, kind: 'model' } })
    const refused = await call(mcp, 'model_export_hf', { ref: 'bare@1', repo: 'org/no-such-repo' })
    expect(errorCodeOf(refused)).toBe('ERR_NOT_FOUND')
  })

  // last: once a key exists, every call needs one
  it('needs registry:write and the backend\'s read scope to import, its write scope to export', async () => {
    const createKey = async (body: Record<string, unknown>, admin?: string): Promise<string> => {
      const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...(admin === undefined ? {} : { authorization: `Bearer ${admin}` }) }, body: JSON.stringify(body) })
      return (await res.json() as { key: string }).key
    }
    const admin = await createKey({ name: 'admin', role: 'admin' })
    const reader = await createKey({ name: 'reader', role: 'reader' }, admin)
    const registryOnly = await createKey({ name: 'registry-only', scopes: ['content:read', 'registry:write'] }, admin)
    const hfReader = await createKey({ name: 'hf-reader', scopes: ['content:read', 'registry:write', 'storage:hf:read'] }, admin)
    const as = async (key: string, path: string, body: unknown): Promise<number> => {
      const res = await fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) })
      await res.body?.cancel()
      return res.status
    }
    expect(await as(reader, '/api/v1/hf/imports', { repo: 'org/tiny-sentiment', name: 'scoped' })).toBe(403)
    expect(await as(registryOnly, '/api/v1/hf/imports', { repo: 'org/tiny-sentiment', name: 'scoped' })).toBe(403)
    expect(await as(hfReader, '/api/v1/hf/imports', { repo: 'org/tiny-sentiment', name: 'scoped' })).toBe(201)
    expect(await as(hfReader, '/api/v1/hf/exports', { ref: 'scoped@1', repo: 'org/tiny-copy' })).toBe(403)
  })
})
