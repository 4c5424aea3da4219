/**
 * Search benchmark: our index (own BM25 postings + IVF vectors) against plain Orama (text + its brute-force vectors)
 * and MiniSearch (text only) on the same synthetic documents in one run: build time, heap and buffer memory, text
 * query p50/p95, vector top-10 p50/p95 (384 dims) with recall against an exact scan, hybrid p50/p95, snapshot
 * save/load, the first queries after a load against the same queries again, hybrid on the labelled relevance set,
 * and (unless `--no-browser`) the same index built and queried in a Chromium dedicated worker.
 * 100k documents; `--quick`: 5k; env `SEARCH_BENCH_DOCS` overrides.
 * Run alone with `node_modules/.bin/node --import tsx bench/search.ts [--quick] [--no-browser]` (Node 22).
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
import { runSearchInChromiumWorker } from './browser/search-worker-bench.ts'
import { CORPUS, LABELLED } from '../test/search/support/corpus.ts'
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
  /** Memory outside the JS heap held by the index: typed arrays' buffers (vectors, postings). */
  buffersMiB: number
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
  loadedHybrid?: number[]
  /** The same queries again on the loaded index (warm: nothing left to decode). */
  warmText?: number[]
  warmVector?: number[]
  warmHybrid?: number[]
  /** Vectors found by an exact scan (recall 100% by construction). */
  exactVectors?: boolean
}

/** JS heap and array-buffer memory in use after a full GC, MiB. */
function memoryMiB (): { heap: number, buffers: number } {
  gc()
  const usage = process.memoryUsage()
  return { heap: usage.heapUsed / 1_048_576, buffers: usage.arrayBuffers / 1_048_576 }
}

/** What building something added to memory. */
function grownSince (before: { heap: number, buffers: number }): { heapMiB: number, buffersMiB: number } {
  const after = memoryMiB()
  return { heapMiB: after.heap - before.heap, buffersMiB: after.buffers - before.buffers }
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
  const before = memoryMiB()
  const start = performance.now()
  const mini = new MiniSearch<{ id: string, name: string, text: string, tags: string }>({ fields: ['name', 'text', 'tags'], searchOptions: { prefix: true, fuzzy: 1, boost: { name: 3 } } })
  mini.addAll(docs.map(d => ({ id: d.cid, name: d.name, text: d.text, tags: d.tags.join(' ') })))
  const buildSeconds = (performance.now() - start) / 1000
  const memory = grownSince(before)
  const text = await timeEach(queries, q => mini.search(q).slice(0, 10))
  return { engine: 'MiniSearch 7 (prefix, fuzzy 1)', buildSeconds, ...memory, text }
}

async function plainOramaRun (docs: BenchDoc[], vectors: Float32Array[], queries: string[], queryVectors: Float32Array[]): Promise<EngineResult> {
  const before = memoryMiB()
  const start = performance.now()
  const db = create({ schema: { name: 'string', text: 'string', keywords: 'string', mime: 'enum', tags: 'enum[]', size: 'number', embedding: `vector[${DIMS}]` } as const })
  for (let i = 0; i < docs.length; i += 1000) {
    const batch = docs.slice(i, i + 1000).map((d, j) => ({ id: d.cid, name: d.name, text: d.text, keywords: d.tags.join(' '), mime: d.mime, tags: d.tags, size: d.size, embedding: Array.from(vectors[i + j] ?? []) }))
    await insertMultiple(db, batch as never[], 1000)
  }
  const buildSeconds = (performance.now() - start) / 1000
  const memory = grownSince(before)
  const text = await timeEach(queries, async q => oramaSearch(db, { term: q, properties: ['name', 'text', 'keywords'], tolerance: 1, limit: 10 }))
  const vector = await timeEach(queryVectors, async v => oramaSearch(db, { mode: 'vector', vector: { value: Array.from(v), property: 'embedding' }, similarity: 0.01, limit: 10 } as never))
  return { engine: 'plain Orama 3 (tolerance 1, brute-force vectors)', buildSeconds, ...memory, text, vector, exactVectors: true }
}

/**
 * Text, vector and hybrid query times, interleaved (text i, vector i, hybrid i, then i + 1): on a shared machine a
 * burst of other work then slows all three modes alike instead of one mode's whole series, so their ratios hold.
 */
async function timeModes (index: SearchIndex, queries: string[], vectorTexts: string[]): Promise<{ text: number[], vector: number[], hybrid: number[] }> {
  const out = { text: [] as number[], vector: [] as number[], hybrid: [] as number[] }
  const time = async (run: () => Promise<unknown>): Promise<number> => { const start = performance.now(); await run(); return performance.now() - start }
  for (let i = 0; i < Math.max(queries.length, vectorTexts.length); i++) {
    const q = queries[i]
    const v = vectorTexts[i]
    if (q !== undefined) out.text.push(await time(async () => index.search({ query: q, limit: 10 })))
    if (v !== undefined) {
      out.vector.push(await time(async () => index.search({ query: v, mode: 'vector', limit: 10 })))
      out.hybrid.push(await time(async () => index.search({ query: v, mode: 'hybrid', limit: 10 })))
    }
  }
  return out
}

/** Build our index, time its queries and recall, and save it (the built index is dropped when this returns). */
async function oursBuildRun (docs: BenchDoc[], embedder: Embedder, queries: string[], vectorTexts: string[], exact: string[][]): Promise<{ result: EngineResult, bytes: Uint8Array }> {
  const before = memoryMiB()
  const start = performance.now()
  const index = new SearchIndex({ embedder })
  for (let i = 0; i < docs.length; i += 1000) await index.upsertMany(docs.slice(i, i + 1000))
  const buildSeconds = (performance.now() - start) / 1000
  const memory = grownSince(before)
  const { text, vector, hybrid } = await timeModes(index, queries, vectorTexts)
  let found = 0
  for (let i = 0; i < exact.length; i++) {
    const got = new Set((await index.search({ query: vectorTexts[i] ?? '', mode: 'vector', limit: 10 })).hits.map(h => h.cid))
    found += (exact[i] ?? []).filter(id => got.has(id)).length
  }
  const saveStart = performance.now()
  const bytes = index.save()
  const snapshotSaveSeconds = (performance.now() - saveStart) / 1000
  const result: EngineResult = {
    engine: 'ipfs-kit SearchIndex (own BM25 postings + IVF vectors)', buildSeconds, ...memory, text, vector, hybrid,
    recall: found / Math.max(1, exact.length * 10), snapshotSaveSeconds, snapshotMiB: bytes.byteLength / 1_048_576
  }
  return { result, bytes }
}

async function oursRun (docs: BenchDoc[], embedder: Embedder, queries: string[], vectorTexts: string[], exact: string[][]): Promise<EngineResult> {
  const { result, bytes } = await oursBuildRun(docs, embedder, queries, vectorTexts, exact)
  // a load happens at start-up, with no other index in memory: the built one is collected first
  gc()
  // the forced GC also drops compiled code of functions it sees as idle: re-warm it on a small index, so that the
  // first queries below pay for what the loaded data costs, not for the JIT (a fresh process pays that either way)
  const small = new SearchIndex({ embedder })
  await small.upsertMany(docs.slice(0, 500))
  await timeModes(small, queries.slice(0, 20), vectorTexts.slice(0, 20))
  const loadStart = performance.now()
  const loaded = SearchIndex.load(bytes, { embedder })
  const snapshotLoadSeconds = (performance.now() - loadStart) / 1000
  if (loaded.size !== docs.length) throw new Error(`snapshot lost documents: ${loaded.size} of ${docs.length}`)
  // the first queries on the loaded index: documents are still decoded on first read (only the hits' documents)
  const first = await timeModes(loaded, queries, vectorTexts)
  const again = await timeModes(loaded, queries, vectorTexts)
  return {
    ...result, snapshotLoadSeconds,
    loadedText: first.text, loadedVector: first.vector, loadedHybrid: first.hybrid, warmText: again.text, warmVector: again.vector, warmHybrid: again.hybrid
  }
}

const ms = (samples: number[] | undefined, p: number): string => samples === undefined ? '—' : percentile(samples, p).toFixed(2)

/** Run the search benchmark as one report section. */
export async function runSearchBench (args: Pick<BenchArgs, 'quick' | 'browser'>): Promise<BenchSection> {
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

  const labelled = await labelledHybridTop()
  let worker: EngineResult | undefined
  if (args.browser) {
    log(`Chromium worker (${n} documents)`)
    worker = await runSearchInChromiumWorker({ documents: n, queries: nq }).catch((err: unknown) => { log(`Chromium worker failed: ${String(err)}`); return undefined })
  }
  const loadedRow: EngineResult = { engine: 'ipfs-kit SearchIndex, first queries after a snapshot load', buildSeconds: NaN, heapMiB: NaN, buffersMiB: NaN, text: ours.loadedText ?? [], vector: ours.loadedVector ?? [], hybrid: ours.loadedHybrid ?? [] }
  const warmRow: EngineResult = { engine: 'ipfs-kit SearchIndex, the same queries again on the loaded index', buildSeconds: NaN, heapMiB: NaN, buffersMiB: NaN, text: ours.warmText ?? [], vector: ours.warmVector ?? [], hybrid: ours.warmHybrid ?? [] }
  const results = [mini, plain, ours, loadedRow, warmRow, ...(worker === undefined ? [] : [worker])]
  return {
    rows: [],
    goals: searchGoals(n, mini, ours, labelled),
    notes: [
      `search: ${n} synthetic docs (40–80 words, 20k-word Zipf vocabulary, 200 topics), ${nq} two-word text queries, ${nq} eight-word "more like this" vector queries; ` +
      `hashing embedder (${DIMS} dims) computed once for all engines in ${embedSeconds.toFixed(1)} s; vector recall@10 of ours against an exact scan over ${recallQueries} queries: ${((ours.recall ?? 0) * 100).toFixed(1)}%`,
      `search: heap is the JS heap a build added (after a full GC); buffers is what it added outside the heap in typed arrays (our vectors and postings)`,
      `search: labelled relevance set (test/search/support/corpus.ts): hybrid ranks the labelled document first for ${labelled.agree} of ${labelled.total} queries` +
      (labelled.misses.length === 0 ? '' : ` (misses: ${labelled.misses.join('; ')})`)
    ],
    tables: [{
      title: `Search at ${n} documents (times in ms unless noted)`,
      columns: ['engine', 'build s', 'heap MiB', 'buffers MiB', 'text p50', 'text p95', 'vector p50', 'vector p95', 'hybrid p50', 'hybrid p95', 'recall@10', 'snapshot MiB', 'save s', 'load s'],
      rows: results.map(r => [
        r.engine, Number.isNaN(r.buildSeconds) ? '—' : r.buildSeconds.toFixed(1), Number.isNaN(r.heapMiB) ? '—' : Math.round(r.heapMiB), Number.isNaN(r.buffersMiB) ? '—' : Math.round(r.buffersMiB),
        ms(r.text, 50), ms(r.text, 95), ms(r.vector, 50), ms(r.vector, 95), ms(r.hybrid, 50), ms(r.hybrid, 95),
        r.recall === undefined ? (r.exactVectors === true ? '100% (exact)' : '—') : `${(r.recall * 100).toFixed(1)}%`,
        r.snapshotMiB?.toFixed(0) ?? '—', r.snapshotSaveSeconds?.toFixed(2) ?? '—', r.snapshotLoadSeconds?.toFixed(2) ?? '—'
      ])
    }]
  }
}

/** Hybrid on the labelled relevance set: how many queries rank the labelled document first (the relevance tests' bar). */
async function labelledHybridTop (): Promise<{ agree: number, total: number, misses: string[] }> {
  const index = new SearchIndex({ embedder: createHashingEmbedder() })
  await index.upsertMany(CORPUS)
  const misses: string[] = []
  for (const { query, expect } of LABELLED) {
    const top = (await index.search({ query, mode: 'hybrid' })).hits[0]?.cid
    if (top !== expect) misses.push(`${query} → ${top ?? 'nothing'}`)
  }
  return { agree: LABELLED.length - misses.length, total: LABELLED.length, misses }
}

function searchGoals (n: number, mini: EngineResult, ours: EngineResult, labelled: { agree: number, total: number }): Goal[] {
  const p95 = (samples: number[] | undefined): number => percentile(samples ?? [], 95)
  const oursText = p95(ours.text)
  const miniText = p95(mini.text)
  const oursVector = p95(ours.vector)
  const slower = Math.max(oursText, oursVector)
  const hybrid = p95(ours.hybrid)
  const firstQueries = (label: string, loaded: number[] | undefined, warm: number[] | undefined): Goal => {
    const ratio = p95(loaded) / p95(warm)
    return { description: `search: ${label} p95 of the first queries after a snapshot load ≤ 2× the same queries' p95 run again`, ratio: 2 / ratio, threshold: 1, pass: ratio <= 2, measured: `${p95(loaded).toFixed(2)} ms vs ${p95(warm).toFixed(2)} ms (${ratio.toFixed(2)}×)`, target: '≤ 2×' }
  }
  return [
    { description: 'search: text p95 ≤ MiniSearch p95 (same run)', ratio: miniText / oursText, threshold: 1, pass: oursText <= miniText, measured: `${oursText.toFixed(2)} ms vs ${miniText.toFixed(2)} ms`, target: '≤ MiniSearch' },
    { description: `search: vector top-10 p95 ≤ 15 ms at ${n} docs × ${DIMS} dims`, ratio: 15 / oursVector, threshold: 1, pass: oursVector <= 15, measured: `${oursVector.toFixed(2)} ms`, target: '≤ 15 ms' },
    { description: 'search: hybrid p95 ≤ 1.5× max(text p95, vector p95)', ratio: 1.5 * slower / hybrid, threshold: 1, pass: hybrid <= 1.5 * slower, measured: `${hybrid.toFixed(2)} ms vs max ${slower.toFixed(2)} ms (${(hybrid / slower).toFixed(2)}×)`, target: '≤ 1.5×' },
    { description: 'search: hybrid ranks the labelled document first on the relevance set', ratio: labelled.agree / labelled.total, threshold: 1, pass: labelled.agree === labelled.total, measured: `${labelled.agree}/${labelled.total}`, target: 'all' },
    { description: 'search: index heap ≤ MiniSearch heap (same run)', ratio: mini.heapMiB / ours.heapMiB, threshold: 1, pass: ours.heapMiB <= mini.heapMiB, measured: `${ours.heapMiB.toFixed(0)} MiB (+ ${ours.buffersMiB.toFixed(0)} MiB buffers) vs ${mini.heapMiB.toFixed(0)} MiB`, target: '≤ MiniSearch' },
    firstQueries('text', ours.loadedText, ours.warmText),
    firstQueries('vector', ours.loadedVector, ours.warmVector),
    firstQueries('hybrid', ours.loadedHybrid, ours.warmHybrid),
    { description: 'search: snapshot load ≤ 2 s', ratio: 2 / (ours.snapshotLoadSeconds ?? Infinity), threshold: 1, pass: (ours.snapshotLoadSeconds ?? Infinity) <= 2, measured: `${(ours.snapshotLoadSeconds ?? 0).toFixed(2)} s`, target: '≤ 2 s' }
  ]
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('bench-search', startedAt, args.quick, [await runSearchBench(args)]), { json: args.json })
}
