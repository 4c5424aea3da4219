/**
 * The search index in Chromium's dedicated worker, where the app runs it: build time, JS heap the index adds in the
 * worker (read over the DevTools protocol after a forced GC: workers have no `performance.memory`), and text,
 * vector and hybrid query times. Used by `bench/search.ts` for its Chromium row.
 */
import { fileURLToPath } from 'node:url'
import { withBenchPage } from './bench-page.ts'
import type { CDPSession, Page } from 'playwright-core'
import type { WorkerQueryTimes } from './search-worker-page.ts'

/** One run's results, in the shape of the search benchmark's rows. */
export interface ChromiumWorkerResult {
  engine: string
  buildSeconds: number
  heapMiB: number
  /** Array buffers' backing stores the index added (`backingStorageSize` of the worker's heap usage). */
  buffersMiB: number
  text: number[]
  vector: number[]
  hybrid: number[]
}

const PAGE = fileURLToPath(new URL('./search-worker-page.ts', import.meta.url))

/** A DevTools session with the page's dedicated worker (through the browser session, as Playwright has none for workers). */
async function workerHeap (page: Page): Promise<() => Promise<{ heap: number, buffers: number }>> {
  const browser = page.context().browser()
  if (browser === null) throw new Error('no browser')
  const cdp: CDPSession = await browser.newBrowserCDPSession()
  const { targetInfos } = await cdp.send('Target.getTargets')
  const worker = targetInfos.find(t => t.type === 'worker')
  if (worker === undefined) throw new Error('no worker target')
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })
  let last = 0
  const call = async (method: string): Promise<unknown> => {
    const id = ++last
    return await new Promise(resolve => {
      const on = (event: { sessionId: string, message: string }): void => {
        if (event.sessionId !== sessionId) return
        const message = JSON.parse(event.message) as { id?: number, result?: unknown }
        if (message.id !== id) return
        cdp.off('Target.receivedMessageFromTarget', on)
        resolve(message.result)
      }
      cdp.on('Target.receivedMessageFromTarget', on)
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) })
    })
  }
  return async () => {
    await call('HeapProfiler.collectGarbage')
    const usage = await call('Runtime.getHeapUsage') as { usedSize?: number, backingStorageSize?: number }
    return { heap: (usage.usedSize ?? 0) / 1_048_576, buffers: (usage.backingStorageSize ?? 0) / 1_048_576 }
  }
}

/** Build and query the search index in a Chromium dedicated worker. */
export async function runSearchInChromiumWorker (options: { documents: number, queries: number }): Promise<ChromiumWorkerResult> {
  return await withBenchPage([PAGE], async page => {
    await page.evaluate(async o => { await globalThis.searchWorkerBench.start(o.documents, o.queries) }, options)
    const heap = await workerHeap(page)
    const before = await heap()
    const buildSeconds = await page.evaluate(async () => await globalThis.searchWorkerBench.build())
    const after = await heap()
    const times: WorkerQueryTimes = await page.evaluate(async () => await globalThis.searchWorkerBench.query())
    const version = page.context().browser()?.version() ?? '?'
    return { engine: `ipfs-kit SearchIndex in a Chromium ${version} dedicated worker`, buildSeconds, heapMiB: after.heap - before.heap, buffersMiB: after.buffers - before.buffers, ...times }
  })
}
