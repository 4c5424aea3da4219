/**
 * Page and worker side of the Chromium search benchmark (bundled once; `search-worker-bench.ts` drives it). In the
 * page it exposes `globalThis.searchWorkerBench`, which starts this same bundle as a dedicated module worker — where
 * the app runs its search index — and relays calls to it; in the worker it builds a {@link SearchIndex} over the
 * benchmark's synthetic documents and times text, vector and hybrid queries.
 */
import { createHashingEmbedder, SearchIndex } from '../../core/search/index.ts'
import { syntheticDocs, textQueries, vectorQueries } from '../lib/search-data.ts'
import type { BenchDoc } from '../lib/search-data.ts'

/** Query times (ms) measured in the worker. */
export interface WorkerQueryTimes {
  text: number[]
  vector: number[]
  hybrid: number[]
}

/** What the page offers the benchmark driver. */
export interface SearchWorkerBenchApi {
  /** Start the worker and make the documents and queries (not timed). */
  start: (documents: number, queries: number) => Promise<void>
  /** Build the index; returns seconds. */
  build: () => Promise<number>
  /** Time the queries. */
  query: () => Promise<WorkerQueryTimes>
}

type Call = { op: 'start', documents: number, queries: number } | { op: 'build' } | { op: 'query' }
type Request = Call & { id: number }

declare global {
  var searchWorkerBench: SearchWorkerBenchApi
}

const BUNDLE = '/search-worker-page.js'

function inWorker (): void {
  let docs: BenchDoc[] = []
  let texts: string[] = []
  let vectorTexts: string[] = []
  const index = new SearchIndex({ embedder: createHashingEmbedder({ dimensions: 384 }) })
  const time = async (run: () => Promise<unknown>): Promise<number> => { const start = performance.now(); await run(); return performance.now() - start }
  // interleaved, as in bench/search.ts: a burst of other work slows all three modes alike
  const timeModes = async (): Promise<WorkerQueryTimes> => {
    const out: WorkerQueryTimes = { text: [], vector: [], hybrid: [] }
    for (let i = 0; i < Math.max(texts.length, vectorTexts.length); i++) {
      const q = texts[i]
      const v = vectorTexts[i]
      if (q !== undefined) out.text.push(await time(async () => index.search({ query: q, limit: 10 })))
      if (v !== undefined) {
        out.vector.push(await time(async () => index.search({ query: v, mode: 'vector', limit: 10 })))
        out.hybrid.push(await time(async () => index.search({ query: v, mode: 'hybrid', limit: 10 })))
      }
    }
    return out
  }
  const handle = async (request: Request): Promise<unknown> => {
    if (request.op === 'start') {
      const made = syntheticDocs(request.documents)
      docs = made.docs
      texts = textQueries(request.queries, made.words)
      vectorTexts = vectorQueries(request.queries, docs)
      return undefined
    }
    if (request.op === 'build') {
      const start = performance.now()
      for (let i = 0; i < docs.length; i += 1000) await index.upsertMany(docs.slice(i, i + 1000))
      return (performance.now() - start) / 1000
    }
    return await timeModes()
  }
  addEventListener('message', (event: MessageEvent<Request>) => {
    const request = event.data
    handle(request).then(result => { postMessage({ id: request.id, result }) }, (err: unknown) => { postMessage({ id: request.id, error: String(err) }) })
  })
}

function inPage (): void {
  let worker: Worker | undefined
  let next = 0
  const call = async <T>(request: Call): Promise<T> => {
    const target = worker ?? new Worker(BUNDLE, { type: 'module' })
    worker = target
    const id = ++next
    return await new Promise<T>((resolve, reject) => {
      const listen = (event: MessageEvent<{ id: number, result?: T, error?: string }>): void => {
        if (event.data.id !== id) return
        target.removeEventListener('message', listen)
        if (event.data.error !== undefined) reject(new Error(event.data.error))
        else resolve(event.data.result as T)
      }
      target.addEventListener('message', listen)
      target.postMessage({ ...request, id })
    })
  }
  globalThis.searchWorkerBench = {
    start: async (documents, queries) => { await call({ op: 'start', documents, queries }) },
    build: async () => await call<number>({ op: 'build' }),
    query: async () => await call<WorkerQueryTimes>({ op: 'query' })
  }
}

if (typeof window === 'undefined') inWorker()
else inPage()
