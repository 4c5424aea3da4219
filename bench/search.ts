/**
 * Search benchmark: our index (Orama BM25 text + IVF vectors) against plain Orama (text + its brute-force vectors)
 * and MiniSearch (text only) on the same synthetic documents in one run: build time, heap, text query p50/p95,
 * vector top-10 p50/p95 (384 dims) with recall against an exact scan, hybrid p95, snapshot save/load.
 * 100k documents; `--quick`: 5k; env `SEARCH_BENCH_DOCS` overrides. Run alone with `npx tsx bench/search.ts [--quick]`.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { fileURLToPath } from 'node:url'
import { create, insertMultiple, search as oramaSearch } from '@orama/orama'
import MiniSearch from 'minisearch'
import { createHashingEmbedder, embeddingText, hashText, SearchIndex } from '../core/search/index.ts'
import { parseBenchArgs } from './lib/args.ts'
import { createReport, publishReport } from './lib/report.ts'
import { syntheticDocs, textQueries, vectorQueries } from './lib/search-data.ts'
import { percentile } from './lib/stats.ts'
import type { Embedder } from '../core/search/index.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection, Goal } from './lib/report.ts'
import type { BenchDoc } from './lib/search-data.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const DIMS = 384

interface EngineResult {
  engine: string
  buildSeconds: number
  heapMiB: number
  text: number[]
  vector?: number[]
  hybrid?: number[]
  recall?: number
  snapshotSaveSeconds?: number
  snapshotLoadSeconds?: number
  snapshotMiB?: number
  /** Query times on the index loaded from the snapshot (first run after the load). */
  loadedText?: number[]
  loadedVector?: number[]
}

function heapMiB (): number {
  gc()
  return process.memoryUsage().heapUsed / 1_048_576
}

async function timeEach<T> (items: T[], run: (item: T) => unknown): Promise<number[]> {
  const samples: number[] = []
  for (const item of items) {
    const start = performance.now()
    await run(item)
    samples.push(performance.now() - start)
  }
  return samples
}

function log (message: string): void { process.stderr.write(`[search] ${message}\n`) }

/** Exact top-10 ids by brute force, for recall. */
function exactTop10 (query: Float32Array, vectors: Float32Array[], ids: string[]): string[] {
  const scored: Array<[number, number]> = []
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i] ?? new Float32Array(DIMS)
    let sum = 0
    for (let d = 0; d < DIMS; d++) sum += (query[d] ?? 0) * (v[d] ?? 0)
    scored.push([sum, i])
  }
  scored.sort((a, b) => b[0] - a[0])
  return scored.slice(0, 10).map(([, i]) => ids[i] ?? '')
}

async function miniSearchRun (docs: BenchDoc[], queries: string[]): Promise<EngineResult> {
  const before = heapMiB()
  const start = performance.now()
  const mini = new MiniSearch<{ id: string, name: string, text: string, tags: string }>({ fields: ['name', 'text', 'tags'], searchOptions: { prefix: true, fuzzy: 1, boost: { name: 3 } } })
  mini.addAll(docs.map(d => ({ id: d.cid, name: d.name, text: d.text, tags: d.tags.join(' ') })))
  const buildSeconds = (performance.now() - start) / 1000
  const heap = heapMiB() - before
  const text = await timeEach(queries, q => mini.search(q).slice(0, 10))
  return { engine: 'MiniSearch 7 (prefix, fuzzy 1)', buildSeconds, heapMiB: heap, text }
}

async function plainOramaRun (docs: BenchDoc[], vectors: Float32Array[], queries: string[], queryVectors: Float32Array[]): Promise<EngineResult> {
  const before = heapMiB()
  const start = performance.now()
  const db = create({ schema: { name: 'string', text: 'string', keywords: 'string', mime: 'enum', tags: 'enum[]', size: 'number', embedding: `vector[${DIMS}]` } as const })
  for (let i = 0; i < docs.length; i += 1000) {
    const batch = docs.slice(i, i + 1000).map((d, j) => ({ id: d.cid, name: d.name, text: d.text, keywords: d.tags.join(' '), mime: d.mime, tags: d.tags, size: d.size, embedding: Array.from(vectors[i + j] ?? []) }))
    await insertMultiple(db, batch as never[], 1000)
  }
  const buildSeconds = (performance.now() - start) / 1000
  const heap = heapMiB() - before
  const text = await timeEach(queries, async q => oramaSearch(db, { term: q, properties: ['name', 'text', 'keywords'], tolerance: 1, limit: 10 }))
  const vector = await timeEach(queryVectors, async v => oramaSearch(db, { mode: 'vector', vector: { value: Array.from(v), property: 'embedding' }, similarity: 0.01, limit: 10 } as never))
  return { engine: 'plain Orama 3 (tolerance 1, brute-force vectors)', buildSeconds, heapMiB: heap, text, vector }
}

async function oursRun (docs: BenchDoc[], embedder: Embedder, queries: string[], vectorTexts: string[], exact: string[][]): Promise<EngineResult> {
  const before = heapMiB()
  const start = performance.now()
  const index = new SearchIndex({ embedder })
  for (let i = 0; i < docs.length; i += 1000) await index.upsertMany(docs.slice(i, i + 1000))
  const buildSeconds = (performance.now() - start) / 1000
  const heap = heapMiB() - before
  const text = await timeEach(queries, async q => index.search({ query: q, limit: 10 }))
  const vector = await timeEach(vectorTexts, async q => index.search({ query: q, mode: 'vector', limit: 10 }))
  const hybrid = await timeEach(vectorTexts, async q => index.search({ query: q, mode: 'hybrid', limit: 10 }))
  let found = 0
  for (let i = 0; i < exact.length; i++) {
    const got = new Set((await index.search({ query: vectorTexts[i] ?? '', mode: 'vector', limit: 10 })).hits.map(h => h.cid))
    found += (exact[i] ?? []).filter(id => got.has(id)).length
  }
  const saveStart = performance.now()
  const bytes = index.save()
  const snapshotSaveSeconds = (performance.now() - saveStart) / 1000
  const loadStart = performance.now()
  const loaded = SearchIndex.load(bytes, { embedder })
  const snapshotLoadSeconds = (performance.now() - loadStart) / 1000
  if (loaded.size !== docs.length) throw new Error(`snapshot lost documents: ${loaded.size} of ${docs.length}`)
  // the loaded index decodes postings, frequencies and documents on first use: its first queries pay for that
  const loadedText = await timeEach(queries, async q => loaded.search({ query: q, limit: 10 }))
  const loadedVector = await timeEach(vectorTexts, async q => loaded.search({ query: q, mode: 'vector', limit: 10 }))
  return {
    engine: 'ipfs-kit SearchIndex (Orama text + IVF vectors)', buildSeconds, heapMiB: heap, text, vector, hybrid,
    loadedText, loadedVector, recall: found / Math.max(1, exact.length * 10), snapshotSaveSeconds, snapshotLoadSeconds, snapshotMiB: bytes.byteLength / 1_048_576
  }
}

const ms = (samples: number[] | undefined, p: number): string => samples === undefined ? '—' : percentile(samples, p).toFixed(2)

/** Run the search benchmark as one report section. */
export async function runSearchBench (args: Pick<BenchArgs, 'quick'>): Promise<BenchSection> {
  const n = Number(process.env.SEARCH_BENCH_DOCS ?? (args.quick ? 5_000 : 100_000))
  const nq = args.quick ? 50 : 200
  log(`${n} synthetic documents, ${nq} text and ${nq} vector queries`)
  const { docs, words } = syntheticDocs(n)
  const queries = textQueries(nq, words)
  const vectorTexts = vectorQueries(nq, docs)
  const hashing = createHashingEmbedder({ dimensions: DIMS })
  const embedStart = performance.now()
  const texts = docs.map(d => embeddingText({ name: d.name, tags: d.tags, text: d.text }))
  const vectors = await hashing.embed(texts)
  const embedSeconds = (performance.now() - embedStart) / 1000
  const queryVectors = await hashing.embed(vectorTexts)
  const cache = new Map<string, Float32Array>()
  texts.forEach((text, i) => { const v = vectors[i]; if (v !== undefined) cache.set(text, v) })
  // the same vectors for every engine: embedding time is reported once, apart from index build times
  const embedder: Embedder = { id: hashing.id, dimensions: DIMS, embed: async batch => batch.map(t => cache.get(t) ?? hashText(t, DIMS, 1, 0.5)) }
  const recallQueries = Math.min(50, nq)
  const ids = docs.map(d => d.cid)
  const exact = queryVectors.slice(0, recallQueries).map(q => exactTop10(q, vectors, ids))

  log('MiniSearch')
  const mini = await miniSearchRun(docs, queries)
  log('plain Orama')
  const plain = await plainOramaRun(docs, vectors, queries, queryVectors)
  log('ipfs-kit SearchIndex')
  const ours = await oursRun(docs, embedder, queries, vectorTexts, exact)

  const results = [mini, plain, ours]
  const oursText = percentile(ours.text, 95)
  const miniText = percentile(mini.text, 95)
  const oursVector = percentile(ours.vector ?? [], 95)
  const goals: Goal[] = [
    { description: 'search: text p95 ≤ MiniSearch p95 (same run)', ratio: miniText / oursText, threshold: 1, pass: oursText <= miniText, measured: `${oursText.toFixed(2)} ms vs ${miniText.toFixed(2)} ms`, target: '≤ MiniSearch' },
    { description: `search: vector top-10 p95 ≤ 15 ms at ${n} docs × ${DIMS} dims`, ratio: 15 / oursVector, threshold: 1, pass: oursVector <= 15, measured: `${oursVector.toFixed(2)} ms`, target: '≤ 15 ms' },
    { description: 'search: snapshot load ≤ 2 s', ratio: 2 / (ours.snapshotLoadSeconds ?? Infinity), threshold: 1, pass: (ours.snapshotLoadSeconds ?? Infinity) <= 2, measured: `${(ours.snapshotLoadSeconds ?? 0).toFixed(2)} s`, target: '≤ 2 s' }
  ]
  return {
    rows: [],
    goals,
    notes: [
      `search: ${n} synthetic docs (40–80 words, 20k-word Zipf vocabulary, 200 topics), ${nq} two-word text queries, ${nq} eight-word "more like this" vector queries; ` +
      `hashing embedder (${DIMS} dims) computed once for all engines in ${embedSeconds.toFixed(1)} s; vector recall@10 of ours against an exact scan over ${recallQueries} queries: ${((ours.recall ?? 0) * 100).toFixed(1)}%`,
      `search: ours after a snapshot load (first queries, lazy decoding included): text p50 ${ms(ours.loadedText, 50)} ms, p95 ${ms(ours.loadedText, 95)} ms; ` +
      `vector p50 ${ms(ours.loadedVector, 50)} ms, p95 ${ms(ours.loadedVector, 95)} ms`
    ],
    tables: [{
      title: `Search at ${n} documents (times in ms unless noted)`,
      columns: ['engine', 'build s', 'heap MiB', 'text p50', 'text p95', 'vector p50', 'vector p95', 'hybrid p95', 'recall@10', 'snapshot MiB', 'save s', 'load s'],
      rows: results.map(r => [
        r.engine, r.buildSeconds.toFixed(1), Math.round(r.heapMiB), ms(r.text, 50), ms(r.text, 95), ms(r.vector, 50), ms(r.vector, 95), ms(r.hybrid, 95),
        r.recall === undefined ? (r.vector === undefined ? '—' : '100% (exact)') : `${(r.recall * 100).toFixed(1)}%`,
        r.snapshotMiB?.toFixed(0) ?? '—', r.snapshotSaveSeconds?.toFixed(2) ?? '—', r.snapshotLoadSeconds?.toFixed(2) ?? '—'
      ])
    }]
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('bench-search', startedAt, args.quick, [await runSearchBench(args)]), { json: args.json })
}
