/**
 * Preprocessing pipelines on a relay: dedupe and a hash split over a Parquet + JSONL dataset give a new version whose
 * lineage names the input and the spec; running the same spec twice gives the same CID (over REST and the CLI), a
 * different seed a different one.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { writeParquet } from '../support/parquet-writer.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))
let relay: TestRelay

interface Version { version: number, cid: string, inputs: Array<{ name?: string, version?: number }>, transform?: string, dataset?: { splits: Record<string, { rows: number }> } }

async function post (path: string, body: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  const res = await fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() as Record<string, unknown> }
}

const SPEC = { steps: [{ op: 'dedupe' }, { op: 'split', ratios: { train: 0.75, test: 0.25 } }] }

beforeAll(async () => {
  relay = await startTestRelay()
  const ids = Array.from({ length: 40 }, (_, i) => i % 30) // ten rows repeat
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(writeParquet([{ name: 'id', type: 'int32', values: ids }, { name: 'text', type: 'string', values: ids.map(i => `row ${i}`) }]))]), 'train.parquet')
  form.append('file', new Blob(['{"id": 0, "text": "row 0"}\n{"id": 99, "text": "row 99"}\n']), 'extra.jsonl')
  const dir = await (await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })).json() as { cid: string }
  const added = await post('/api/v1/datasets/raw/versions', { cid: dir.cid })
  if (added.status !== 201) throw new Error(JSON.stringify(added.json))
}, 60_000)

afterAll(async () => { await relay?.destroy() })

describe('preprocessing pipelines', () => {
  it('dedupes and splits into a new version with lineage, and gives the same CID for the same input and spec', async () => {
    const first = await post('/api/v1/datasets/raw@1/runs', { to: 'clean', spec: SPEC, alias: 'stable' })
    expect(first.status).toBe(201)
    const v1 = first.json.version as Version
    expect(first.json.rows).toBe(31) // 30 distinct Parquet rows and row 99 (row 0 of the JSONL file repeats one)
    const splits = v1.dataset?.splits ?? {}
    expect(Object.keys(splits).sort()).toEqual(['test', 'train'])
    expect((splits.train?.rows ?? 0) + (splits.test?.rows ?? 0)).toBe(31)
    expect(v1.inputs).toMatchObject([{ name: 'raw', version: 1 }])
    expect(JSON.parse(v1.transform ?? '{}')).toEqual(SPEC)

    const child = spawn(process.execPath, [MAIN, '--api', relay.url, '--json', 'dataset', 'run', 'raw@1', JSON.stringify(SPEC), '--to', 'clean'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    expect(await new Promise(resolve => child.once('close', resolve))).toBe(0)
    const v2 = (JSON.parse(stdout) as { version: Version }).version
    expect(v2.version).toBe(2)
    expect(v2.cid).toBe(v1.cid)

    const seeded = await post('/api/v1/datasets/raw@1/runs', { to: 'clean', spec: { steps: [...SPEC.steps.slice(0, 1), { ...SPEC.steps[1], seed: 'other' }] } })
    expect((seeded.json.version as Version).cid).not.toBe(v1.cid)
    const down = await (await fetch(`${relay.url}/api/v1/lineage/raw@1?kind=dataset&direction=down`)).json() as { nodes: Array<{ id: string }> }
    expect(down.nodes.map(n => n.id).sort()).toEqual(['dataset/clean@1', 'dataset/clean@2', 'dataset/clean@3', 'dataset/raw@1'])
  })

  it('maps with named built-ins and shards by rows and by bytes, reproducibly', async () => {
    const spec = { steps: [{ op: 'dedupe' }, { op: 'map', fn: 'select', columns: ['text'] }, { op: 'map', fn: 'lowercase', column: 'text' }, { op: 'shard', shards: 4 }] }
    const first = await post('/api/v1/datasets/raw@1/runs', { to: 'sharded', spec })
    expect(first.status).toBe(201)
    const v1 = first.json.version as Version & { dataset: { files: Array<{ path: string, rows: number, columns: Array<{ name: string }> }> } }
    expect(v1.dataset.files.map(f => [f.path, f.rows])).toEqual([['train-00000-of-00004.jsonl', 8], ['train-00001-of-00004.jsonl', 8], ['train-00002-of-00004.jsonl', 8], ['train-00003-of-00004.jsonl', 7]])
    expect(v1.dataset.files[0]?.columns.map(c => c.name)).toEqual(['text'])
    expect(v1.dataset.splits).toEqual({ train: { rows: 31, files: 4 } })
    const again = await post('/api/v1/datasets/raw@1/runs', { to: 'sharded', spec })
    expect((again.json.version as Version).cid).toBe(v1.cid)
    const byBytes = await post('/api/v1/datasets/raw@1/runs', { to: 'sharded', spec: { steps: [...spec.steps.slice(0, 3), { op: 'shard', shards: 4, by: 'bytes' }] } })
    expect((byBytes.json.version as Version).cid).not.toBe(v1.cid)
    expect((byBytes.json.version as Version).dataset?.splits).toEqual({ train: { rows: 31, files: 4 } })
  })

  it('refuses an unknown step and a pipeline that keeps no rows, registering nothing', async () => {
    expect((await post('/api/v1/datasets/raw@1/runs', { to: 'nothing', spec: { steps: [{ op: 'shuffle' }] } })).json.code).toBe('ERR_INVALID_INPUT')
    expect((await post('/api/v1/datasets/raw@1/runs', { to: 'nothing', spec: { steps: [{ op: 'filter', column: 'id', equals: -1 }] } })).json.code).toBe('ERR_INVALID_INPUT')
    expect((await fetch(`${relay.url}/api/v1/datasets/nothing`)).status).toBe(404)
  })
})
