/**
 * Browser IndexedDB write benchmark, run in Debian's Chromium: raw IndexedDB (one transaction for everything,
 * and one per block), our `IdbBlockstore` under concurrent puts (group commit), ipfs-kit's `add` over it, and
 * real Helia 7 + blockstore-idb `addBytes`. Median of `runs`, in MB/s (10^6 bytes per second).
 *
 * @example
 * ```sh
 * npx tsx bench/browser/idb-add.ts --size 64 --runs 3 [--variants] [--disk] [--only regex]
 * ```
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { withBenchPage, type BenchProfile } from './bench-page.ts'
import type { ContentAddOptions } from './content-page.ts'
import type { BlockstorePutsOptions, IdbBenchApi, RawIdbOptions } from './idb-page.ts'
import type { AddInput, PageTiming } from './page-data.ts'
import type { Page } from 'playwright-core'

/** Options of {@link runBrowserIdbBench}. */
export interface BrowserIdbBenchOptions {
  /** Bytes written per measurement, in MiB (default 64). */
  sizeMiB?: number
  /** Runs per measurement; the median is reported (default 3). */
  runs?: number
  /** Also measure the variants behind the design choices (durability, value type, batch caps). */
  variants?: boolean
  /**
   * `'memory'` (default): a fresh `newContext()`, off-the-record, so IndexedDB is in memory. `'disk'`: a
   * persistent temp profile, so writes reach the filesystem as for a real user.
   */
  profile?: BenchProfile
  /** Run only the measurements whose name matches this regular expression. */
  only?: string
}

/** One measured configuration. */
export interface BrowserIdbBenchRow {
  name: string
  /** Median throughput, 10^6 bytes per second. */
  mbPerSec: number
  /** Median throughput, 2^20 bytes per second. */
  mibPerSec: number
  /** Median elapsed time of one run. */
  medianMs: number
  /** Throughput of every run, MB/s. */
  samples: number[]
  sizeMiB: number
  runs: number
  profile: BenchProfile
  /** Why runs failed (e.g. `QuotaExceededError`); `mbPerSec` is then over the successful runs, or 0. */
  error?: string
}

type PageCall = (page: Page) => Promise<PageTiming>

declare global {
  var idbBench: IdbBenchApi
  var contentBench: { contentAdd(options: ContentAddOptions): Promise<PageTiming> }
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url))
const CONTENT_MODULE = here('../../core/content/index.ts')

const raw = (options: RawIdbOptions): PageCall => async page => page.evaluate(async o => globalThis.idbBench.rawIdb(o), options)
const puts = (options: BlockstorePutsOptions): PageCall => async page => page.evaluate(async o => globalThis.idbBench.blockstorePuts(o), options)
const ours = (options: ContentAddOptions): PageCall => async page => page.evaluate(async o => globalThis.contentBench.contentAdd(o), options)
const helia = (sizeMiB: number, input: AddInput): PageCall => async page => page.evaluate(async o => globalThis.idbBench.heliaAdd(o), { sizeMiB, input })

function measurements (sizeMiB: number, variants: boolean, withContent: boolean): Array<[string, PageCall]> {
  const rawDefaults = { sizeMiB, valueType: 'uint8array', durability: 'relaxed' } as const
  const list: Array<[string, PageCall]> = [
    ['idb-raw-one-transaction', raw({ ...rawDefaults, oneTransaction: true })],
    ['idb-raw-transaction-per-block', raw({ ...rawDefaults, oneTransaction: false })],
    ['idb-blockstore-puts-all-concurrent', puts({ sizeMiB, concurrency: 0 })],
    ['idb-blockstore-puts-16-concurrent', puts({ sizeMiB, concurrency: 16 })]
  ]
  if (withContent) {
    // leaves hashed in workers, as the browser node adds
    list.push(['ipfs-kit-add-bytes-idb', ours({ sizeMiB, input: 'bytes', hashWorkers: true })])
    list.push(['ipfs-kit-add-blob-idb', ours({ sizeMiB, input: 'blob', hashWorkers: true })])
    list.push(['ipfs-kit-add-bytes-idb-main-thread-hash', ours({ sizeMiB, input: 'bytes' })])
    // IndexedDB in the storage worker, as a browser node with `storageWorker` (the PWA's default)
    list.push(['ipfs-kit-add-bytes-idb-storage-worker', ours({ sizeMiB, input: 'bytes', hashWorkers: true, storage: 'worker' })])
    // and a File, as the PWA adds one
    list.push(['ipfs-kit-add-blob-idb-storage-worker', ours({ sizeMiB, input: 'blob', hashWorkers: true, storage: 'worker' })])
  }
  list.push(['helia-add-bytes-blockstore-idb', helia(sizeMiB, 'bytes')])
  list.push(['helia-add-blob-stream-blockstore-idb', helia(sizeMiB, 'blob')])
  if (variants) list.push(...variantMeasurements(sizeMiB, withContent))
  return list
}

/** The measurements behind the design choices: durability, value type, batch caps, leaf size. */
function variantMeasurements (sizeMiB: number, withContent: boolean): Array<[string, PageCall]> {
  const rawDefaults = { sizeMiB, valueType: 'uint8array', durability: 'relaxed' } as const
  const list: Array<[string, PageCall]> = []
  for (const durability of ['default', 'strict'] as const) {
    list.push([`idb-raw-one-transaction-${durability}`, raw({ ...rawDefaults, durability, oneTransaction: true })])
    list.push([`idb-blockstore-puts-16-concurrent-${durability}`, puts({ sizeMiB, concurrency: 16, durability })])
  }
  for (const kib of [512, 768, 1000, 1024]) list.push([`idb-raw-one-transaction-${kib}k-values`, raw({ ...rawDefaults, oneTransaction: true, blockSize: kib * 1024 })])
  list.push(['idb-raw-one-transaction-1024k-blocks-512k-records', raw({ ...rawDefaults, oneTransaction: true, blockSize: 1024 * 1024, recordSize: 512 * 1024 })])
  list.push(['idb-raw-one-transaction-1024k-blocks-256k-records', raw({ ...rawDefaults, oneTransaction: true, blockSize: 1024 * 1024, recordSize: 256 * 1024 })])
  list.push(['idb-raw-one-transaction-arraybuffer', raw({ ...rawDefaults, valueType: 'arraybuffer', oneTransaction: true })])
  list.push(['idb-raw-transaction-per-block-arraybuffer', raw({ ...rawDefaults, valueType: 'arraybuffer', oneTransaction: false })])
  for (const maxOps of [16, 256]) {
    list.push([`idb-blockstore-puts-all-concurrent-max${maxOps}`, puts({ sizeMiB, concurrency: 0, maxOps, maxBytes: 1024 * 1024 * 1024 })])
  }
  list.push(['idb-blockstore-puts-16-concurrent-2-in-flight', puts({ sizeMiB, concurrency: 16, maxInFlight: 2 })])
  list.push(['idb-blockstore-puts-all-concurrent-2-in-flight', puts({ sizeMiB, concurrency: 0, maxInFlight: 2 })])
  if (withContent) {
    list.push(['ipfs-kit-add-bytes-idb-256k-leaves', ours({ sizeMiB, input: 'bytes', chunkSize: 262144 })])
    for (const writes of [4, 64]) list.push([`ipfs-kit-add-bytes-idb-${writes}-writes`, ours({ sizeMiB, input: 'bytes', hashWorkers: true, blockWriteConcurrency: writes })])
  }
  return list
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] ?? 0 : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

const round = (n: number): number => Math.round(n * 10) / 10

/**
 * Run every measurement `runs` times (interleaved, so drift hits them alike) in one Chromium page and report
 * medians. ipfs-kit's own add is included when `core/content/index.ts` exists.
 */
export async function runBrowserIdbBench (options: BrowserIdbBenchOptions = {}): Promise<{ rows: BrowserIdbBenchRow[] }> {
  const sizeMiB = options.sizeMiB ?? 64
  const runs = options.runs ?? 3
  const profile = options.profile ?? 'memory'
  const withContent = existsSync(CONTENT_MODULE)
  const entries = [here('./idb-page.ts'), ...(withContent ? [here('./content-page.ts'), here('../../app/worker/hash-worker.ts'), here('../../app/worker/storage-worker.ts')] : [])]
  const only = options.only === undefined ? undefined : new RegExp(options.only)
  const list = measurements(sizeMiB, options.variants ?? false, withContent).filter(([name]) => only?.test(name) ?? true)
  const timings = new Map<string, PageTiming[]>(list.map(([name]) => [name, []]))
  const errors = new Map<string, string>()
  await withBenchPage(entries, async page => {
    await page.waitForFunction(() => globalThis.idbBench !== undefined)
    for (let run = 0; run < runs; run++) {
      for (const [name, call] of list) {
        try {
          timings.get(name)?.push(await call(page))
        } catch (err) {
          errors.set(name, firstLine(err))
        }
      }
    }
  }, profile)
  const rows = list.map(([name]) => row(name, timings.get(name) ?? [], errors.get(name), { sizeMiB, runs, profile }))
  return { rows }
}

type RowSettings = Pick<BrowserIdbBenchRow, 'sizeMiB' | 'runs' | 'profile'>

function row (name: string, samples: PageTiming[], error: string | undefined, settings: RowSettings): BrowserIdbBenchRow {
  const medianMs = median(samples.map(t => t.ms))
  const bytes = samples[0]?.bytes ?? 0
  const perSec = (unit: number): number => medianMs > 0 ? round(bytes / unit / (medianMs / 1000)) : 0
  return {
    name,
    mbPerSec: perSec(1e6),
    mibPerSec: perSec(1048576),
    medianMs: Math.round(medianMs),
    samples: samples.map(t => round(t.bytes / 1e6 / (t.ms / 1000))),
    ...settings,
    ...(error === undefined ? {} : { error })
  }
}

function firstLine (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.replace(/^page\.evaluate: /, '').split('\n')[0] ?? message
}

function argument (name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? undefined : process.argv[at + 1]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = argument('size')
  const runs = argument('runs')
  const result = await runBrowserIdbBench({
    sizeMiB: size === undefined ? undefined : Number(size),
    runs: runs === undefined ? undefined : Number(runs),
    variants: process.argv.includes('--variants'),
    profile: process.argv.includes('--disk') ? 'disk' : 'memory',
    only: argument('only')
  })
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
}
