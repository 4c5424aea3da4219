/**
 * Turns the rows `runBrowserIdbBench` returns (written by another part of the project, loaded at run time)
 * into report rows. The shape is checked, not trusted: `{ rows: [{ name, sizeMiB, runs, medianMs, samples }] }`
 * with `samples` in MB/s (10^6 bytes per second).
 */
import { MIB, toRow } from './report.ts'
import type { ResultRow } from './report.ts'

/**
 * Baselines for the browser rows: raw IndexedDB for all, Helia + blockstore-idb for ipfs-kit's adds (its
 * `addBytes` for adds of bytes, its `addByteStream` of a Blob's stream for adds of a Blob).
 */
export const BROWSER_BASELINES = {
  rawIdb: 'idb-raw-one-transaction',
  heliaIdb: 'helia-add-bytes-blockstore-idb',
  heliaIdbBlob: 'helia-add-blob-stream-blockstore-idb'
} as const

/** Rows of ipfs-kit's own adds in the browser bench. */
export const BROWSER_ROWS = {
  /** `createContentStore` over the IndexedDB blockstore on the page, bytes in memory. */
  pageAdd: 'ipfs-kit-add-bytes-idb',
  /** The same add with IndexedDB in the storage worker (`WorkerBlockstore`), as the PWA's node stores blocks. */
  workerAdd: 'ipfs-kit-add-bytes-idb-storage-worker'
} as const

interface BrowserRow {
  name: string
  sizeMiB: number
  medianMs: number
  /** Throughput of each run, MB/s. */
  samples: number[]
}

/** Validates `result` and builds report rows, with ratios against the browser baselines measured with them. */
export function browserRows (result: unknown): ResultRow[] {
  if (!isRecord(result) || !Array.isArray(result.rows)) throw new TypeError('runBrowserIdbBench: expected { rows: [...] }')
  const rows = result.rows.map(toBrowserRow)
  const built = rows.map(row => {
    const bytes = row.sizeMiB * MIB
    // per-run seconds from per-run MB/s; fall back to the median if the samples are missing
    const samples = row.samples.length > 0 ? row.samples.map(mbps => bytes / 1e6 / mbps) : [row.medianMs / 1000]
    return toRow(`browser ${row.sizeMiB} MiB`, { name: row.name, bytes, samples })
  })
  const raw = built.find(row => row.name === BROWSER_BASELINES.rawIdb)
  const helia = built.find(row => row.name === BROWSER_BASELINES.heliaIdb)
  const heliaBlob = built.find(row => row.name === BROWSER_BASELINES.heliaIdbBlob)
  return built.map(row => {
    const heliaBaseline = row.name.includes('-blob-') ? heliaBlob : helia
    const baselines = [raw, row.name.startsWith('ipfs-kit') ? heliaBaseline : undefined]
      .filter((baseline): baseline is ResultRow => baseline !== undefined && baseline !== row && baseline.group === row.group)
    return baselines.length === 0 ? row : toRow(row.group, { name: row.name, bytes: row.bytes, samples: row.samplesSeconds }, baselines)
  })
}

function toBrowserRow (value: unknown, index: number): BrowserRow {
  if (!isRecord(value)) throw new TypeError(`runBrowserIdbBench row ${index}: not an object`)
  const { name, sizeMiB, medianMs, samples } = value
  if (typeof name !== 'string' || typeof sizeMiB !== 'number' || typeof medianMs !== 'number') {
    throw new TypeError(`runBrowserIdbBench row ${index}: wants name, sizeMiB, medianMs`)
  }
  const rates = Array.isArray(samples) ? samples.filter((s): s is number => typeof s === 'number' && s > 0) : []
  return { name, sizeMiB, medianMs, samples: rates }
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
