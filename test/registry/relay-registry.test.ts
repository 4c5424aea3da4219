/**
 * The registry on a real relay: two versions of a model registered over REST and MCP, `production` moved between
 * them by the CLI, `name@production` resolved on all three surfaces; a broken card and a broken Parquet file refused
 * with nothing registered; a dataset of Parquet, JSONL and CSV files read for splits, schema and rows, previewed;
 * lineage both ways and a removal that needs force; and everything still there after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { restJson, runCliJson } from '../support/surfaces.ts'
import { call, callOk, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { writeParquet } from '../support/parquet-writer.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'


let relay: TestRelay
let mcp: Client

async function addDirectory (files: Record<string, string | Uint8Array>): Promise<string> {
  const form = new FormData()
  for (const [name, content] of Object.entries(files)) form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name)
  const res = await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })
  if (!res.ok) throw new Error(`add: ${res.status} ${await res.text()}`)
  return (await res.json() as { cid: string }).cid
}

async function rest (method: string, path: string, body?: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  return await restJson(relay.url, method, path, body)
}

async function cli (...argv: string[]): Promise<{ exit: number | null, json: Record<string, unknown> }> {
  return await runCliJson(relay.url, argv)
}

const CARD = '---\nlicense: mit\ntags:\n  - embeddings\nlibrary_name: onnx\n---\n# tiny embedder\n'
const cids: { v1?: string, v2?: string, data?: string } = {}

beforeAll(async () => {
  relay = await startTestRelay()
  mcp = await connectHttp(relay.url)
  cids.v1 = await addDirectory({ 'README.md': CARD, 'model.onnx': new Uint8Array([1, 2, 3, 4]), 'config.json': '{"dim":8}' })
  cids.v2 = await addDirectory({ 'README.md': CARD, 'model.onnx': new Uint8Array([1, 2, 3, 5]), 'config.json': '{"dim":8}' })
  cids.data = await addDirectory({
    'train.parquet': writeParquet([{ name: 'id', type: 'int32', values: [1, 2, 3, 4, 5] }, { name: 'text', type: 'string', values: ['a', 'b', 'c', 'd', 'e'] }]),
    'test.jsonl': '{"id": 6, "text": "f"}\n{"id": 7, "text": "g"}\n',
    'validation.csv': 'id,text\n8,"h, with a comma"\n'
  })
}, 60_000)

afterAll(async () => {
  await mcp?.close()
  await relay?.destroy()
})

describe('registry on a relay', () => {
  it('registers two versions, moves production between them, and resolves name@production on REST, MCP and the CLI', async () => {
    const first = await rest('POST', '/api/v1/models/tiny/versions', { cid: cids.v1, framework: 'onnx', format: 'onnx', metrics: { accuracy: 0.8 }, alias: 'production' })
    expect(first.status).toBe(201)
    const v1 = first.json.version as { version: number, card: Record<string, unknown>, files: number }
    expect(v1).toMatchObject({ version: 1, files: 3, card: { license: 'mit', tags: ['embeddings'] } })
    const v2 = await callOk<{ version: { version: number, cid: string } }>(mcp, 'model_register', { name: 'tiny', cid: cids.v2, metrics: { accuracy: 0.9 }, tags: ['candidate'] })
    expect(v2.version.version).toBe(2)
    expect(((await rest('GET', '/api/v1/models/tiny@production')).json.resolved as { cid: string }).cid).toBe(cids.v1)

    const moved = await cli('model', 'alias', 'tiny', 'production', '2')
    expect(moved.exit).toBe(0)
    expect((moved.json.alias as { history: Array<{ version: number }> }).history.map(h => h.version)).toEqual([1, 2])

    expect(((await rest('GET', '/api/v1/models/tiny@production')).json.resolved as { cid: string }).cid).toBe(cids.v2)
    expect((await callOk<{ resolved: { cid: string } }>(mcp, 'model_get', { ref: 'tiny@production' })).resolved.cid).toBe(cids.v2)
    const shown = await cli('model', 'show', 'tiny@production')
    expect((shown.json.resolved as { cid: string }).cid).toBe(cids.v2)
    expect((await cli('model', 'show', 'tiny@1')).json).toMatchObject({ resolved: { cid: cids.v1 } })

    const found = await callOk<{ items: Array<{ name: string }> }>(mcp, 'model_search', { query: 'embeddings' })
    expect(found.items.map(i => i.name)).toEqual(['tiny'])
  })

  it('answers typed errors on every surface and registers nothing half-way', async () => {
    expect((await rest('GET', '/api/v1/models/tiny@9')).json).toMatchObject({ code: 'ERR_VERSION_NOT_FOUND' })
    expect(errorCodeOf(await call(mcp, 'model_set_alias', { name: 'tiny', alias: 'production', version: 9 }))).toBe('ERR_VERSION_NOT_FOUND')
    expect((await cli('model', 'show', 'tiny@')).json).toMatchObject({ error: { code: 'ERR_INVALID_REFERENCE' } })
    const broken = await addDirectory({ 'README.md': '---\nlicense: [mit\n---\n', 'model.onnx': new Uint8Array([9]) })
    const refused = await rest('POST', '/api/v1/models/broken/versions', { cid: broken })
    expect([refused.status, refused.json.code]).toEqual([400, 'ERR_INVALID_CARD'])
    expect((await rest('GET', '/api/v1/models/broken')).json).toMatchObject({ code: 'ERR_NOT_FOUND' })
    const badParquet = await addDirectory({ 'train.parquet': 'this is not parquet at all' })
    const bad = await rest('POST', '/api/v1/datasets/bad/versions', { cid: badParquet })
    expect([bad.status, bad.json.code]).toEqual([422, 'ERR_INVALID_DATASET'])
    expect((await rest('GET', '/api/v1/datasets')).json.items).toEqual([])
  })

  it('reads a dataset for splits, schema and rows, and previews its first rows', async () => {
    const added = await cli('dataset', 'add', 'corpus', cids.data ?? '', '--alias', 'stable')
    expect(added.exit).toBe(0)
    const version = added.json.version as { dataset: { splits: Record<string, { rows: number }>, files: Array<{ path: string, columns: unknown[] }> } }
    expect(version.dataset.splits).toEqual({ train: { rows: 5, files: 1 }, test: { rows: 2, files: 1 }, validation: { rows: 1, files: 1 } })
    expect(version.dataset.files.find(f => f.path === 'train.parquet')?.columns).toEqual([{ name: 'id', type: 'INT32' }, { name: 'text', type: 'STRING' }])
    const preview = await rest('GET', '/api/v1/datasets/corpus@stable/preview?rows=2')
    expect(preview.json).toMatchObject({ file: 'train.parquet', totalRows: 5, rows: [{ id: 1, text: 'a' }, { id: 2, text: 'b' }] })
    expect((await callOk<{ rows: unknown[] }>(mcp, 'dataset_preview', { ref: 'corpus', split: 'validation' })).rows).toEqual([{ id: '8', text: 'h, with a comma' }])
    expect((await cli('dataset', 'preview', 'corpus@1', '--split', 'test')).json).toMatchObject({ rows: [{ id: 6, text: 'f' }, { id: 7, text: 'g' }] })
  })

  it('streams a dataset file by name and version, and a byte range of it (Range → 206)', async () => {
    const whole = await fetch(`${relay.url}/api/v1/datasets/corpus@stable/files/test.jsonl`)
    expect([whole.status, whole.headers.get('content-type')]).toEqual([200, 'application/jsonl'])
    expect(await whole.text()).toBe('{"id": 6, "text": "f"}\n{"id": 7, "text": "g"}\n')
    const second = await fetch(`${relay.url}/api/v1/datasets/corpus@1/files/test.jsonl`, { headers: { range: 'bytes=23-' } })
    expect([second.status, second.headers.get('content-range')]).toEqual([206, 'bytes 23-45/46'])
    expect(await second.text()).toBe('{"id": 7, "text": "g"}\n')
    const piece = await call(mcp, 'dataset_file', { ref: 'corpus', file: 'validation.csv', offset: 8 })
    expect((piece.content as Array<{ text?: string }>)[0]?.text).toBe('8,"h, with a comma"\n')
    const missing = await rest('GET', '/api/v1/datasets/corpus@1/files/nope.parquet')
    expect([missing.status, missing.json.code]).toEqual([404, 'ERR_NOT_FOUND'])
    expect(String(missing.json.message)).toContain('train.parquet')
  })

  it('traces lineage both ways and removes a dataset version others depend on only with force', async () => {
    const derived = await rest('POST', '/api/v1/models/tuned/versions', { cid: cids.v1, inputs: ['train-data=corpus@stable', 'base-model=model:tiny@production'] })
    expect(derived.status).toBe(201)
    const up = await rest('GET', '/api/v1/lineage/tuned@1?direction=up')
    expect((up.json.edges as unknown[])).toEqual(expect.arrayContaining([{ from: 'dataset/corpus@1', to: 'model/tuned@1', role: 'train-data' }, { from: 'model/tiny@2', to: 'model/tuned@1', role: 'base-model' }]))
    const down = await callOk<{ nodes: Array<{ id: string }> }>(mcp, 'lineage', { ref: 'corpus@1', kind: 'dataset', direction: 'down' })
    expect(down.nodes.map(n => n.id)).toEqual(['dataset/corpus@1', 'model/tuned@1'])
    const refused = await rest('DELETE', '/api/v1/datasets/corpus@1')
    expect([refused.status, refused.json.code]).toEqual([409, 'ERR_HAS_DEPENDENTS'])
    expect(String(refused.json.message)).toContain('model/tuned@1')
    const cycle = await rest('POST', '/api/v1/datasets/loop/versions', { cid: cids.v1, inputs: ['model:tuned@1'] })
    expect(cycle.json.code).toBe('ERR_LINEAGE_CYCLE')
  })

  it('keeps the registry across a restart', async () => {
    const dataDir = relay.dataDir
    await mcp.close()
    await relay.stop()
    relay = await startTestRelay({}, dataDir)
    mcp = await connectHttp(relay.url)
    expect(((await rest('GET', '/api/v1/models/tiny@production')).json.resolved as { version: number }).version).toBe(2)
    const removed = await rest('DELETE', '/api/v1/datasets/corpus@1?force=true')
    expect(removed.json).toMatchObject({ removed: 'corpus@1', dependents: ['model/tuned@1'], aliases: ['stable'] })
  })
})
