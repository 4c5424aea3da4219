/**
 * Registry benchmark (issue 19): register and resolve latency with 10k versions already in the registry (quick: 1k),
 * on the relay's own datastore (SafeFsDatastore on disk): register p50/p95 of one more version (written to disk
 * before it answers), resolve p50/p95 of `name@<alias>`, `name@<n>` and `name` (in memory), and the time to open the
 * registry from its compact snapshot against reading every record's key. Compared in the same run against one put of the same record straight into the
 * datastore, the floor a register cannot go below; and a dataset preview of a ~100 MiB Parquet file (quick: 12 MiB) read
 * by range from UnixFS against hyparquet on the same bytes in memory (goal ≤ 1.2×). Run alone with
 * `node bench/registry.ts [--quick]`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { parquetReadObjects } from 'hyparquet'
import { MemoryBlockstore } from '../core/blocks/index.ts'
import { createContentStore } from '../core/content/index.ts'
import { Registry, previewDatasetFile, rangedFile } from '../core/registry/index.ts'
import { writeParquet } from '../test/support/parquet-writer.ts'
import { SafeFsDatastore } from '../node-relay/node/safe-fs-datastore.ts'
import { parseBenchArgs } from './lib/args.ts'
import { createReport, publishReport } from './lib/report.ts'
import { percentile } from './lib/stats.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection, Goal } from './lib/report.ts'

async function cidOf (i: number): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`version ${i}`))).toString()
}

const ms = (samples: number[], p: number): number => Math.round(percentile(samples, p) * 1000) / 1000

async function timed (fn: () => unknown): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

/**
 * Dataset preview of a Parquet file stored as UnixFS (read by byte range through the content store, every block
 * verified) against hyparquet reading the same first rows from the file in memory (goal ≤ 1.2×).
 */
async function previewBench (args: BenchArgs): Promise<{ goal: Goal, table: { title: string, columns: string[], rows: Array<Array<string | number>> } }> {
  // about 69 bytes a row once written (eight pseudo-random words that do not compress away): ~100 MiB, quick ~12 MiB
  const rows = args.quick ? 180_000 : 1_500_000
  const ids = Array.from({ length: rows }, (_, i) => i)
  let seed = 12345
  const word = (): string => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed.toString(36)
  }
  const text = ids.map(i => `row ${i}: ${Array.from({ length: 8 }, word).join(' ')}`)
  const bytes = writeParquet([{ name: 'id', type: 'int32', values: ids }, { name: 'text', type: 'string', values: text }])
  const store = createContentStore({ blockstore: new MemoryBlockstore() })
  const { cid } = await store.add(bytes)
  const content = { cat: store.cat.bind(store), ls: store.ls.bind(store), stat: store.stat.bind(store) }
  const file = rangedFile(content, { path: 'train.parquet', cid: cid.toString(), size: bytes.byteLength })
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const ours: number[] = []
  const direct: number[] = []
  for (let i = 0; i < (args.quick ? 3 : 9); i++) {
    ours.push(await timed(async () => previewDatasetFile(file, 'parquet', 20)))
    direct.push(await timed(async () => parquetReadObjects({ file: buffer, rowStart: 0, rowEnd: 20 })))
  }
  const ratio = percentile(ours, 50) / percentile(direct, 50)
  const mib = (bytes.byteLength / 2 ** 20).toFixed(0)
  return {
    goal: { description: `registry: dataset preview of a ${mib} MiB Parquet file ≤ 1.2× hyparquet on the file in memory (same run)`, ratio: 1.2 / ratio, threshold: 1, pass: ratio <= 1.2, measured: `${percentile(ours, 50).toFixed(1)} ms vs ${percentile(direct, 50).toFixed(1)} ms (${ratio.toFixed(2)}×)`, target: '≤ 1.2×' },
    table: { title: `dataset preview, ${mib} MiB Parquet (${rows} rows, row groups of 100k rows after a first of 1k, as hyparquet-writer writes them), ms`, columns: ['reader', 'p50', 'runs'], rows: [['registry preview (UnixFS by range, verified)', ms(ours, 50), ours.length], ['hyparquet on the bytes in memory', ms(direct, 50), direct.length]] }
  }
}

/** Runs the registry section. */
export async function runRegistryBench (args: BenchArgs): Promise<BenchSection> {
  const total = args.quick ? 1000 : 10_000
  const models = 100
  const samples = args.quick ? 200 : 1000
  process.stderr.write(`[registry] ${total} versions over ${models} models, ${samples} timed registers and resolves\n`)
  const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-bench-registry-'))
  try {
    const datastore = new SafeFsDatastore(join(dir, 'datastore'))
    await datastore.open()
    const registry = await Registry.open({ datastore })
    const fill = await timed(async () => {
      for (let i = 0; i < total; i++) {
        await registry.register({ kind: 'model', name: `model-${i % models}`, cid: await cidOf(i), size: 1000, files: 3, by: 'bench', tags: ['bench'], metrics: { accuracy: i / total }, ...(i < models ? { alias: 'production' } : {}) })
      }
    })
    const register: number[] = []
    const put: number[] = []
    for (let i = 0; i < samples; i++) {
      const cid = await cidOf(total + i)
      register.push(await timed(async () => registry.register({ kind: 'model', name: `model-${i % models}`, cid, size: 1000, files: 3, by: 'bench', tags: ['bench'], metrics: { accuracy: 0.5 } })))
      const record = registry.resolve('model', `model-${i % models}`)
      put.push(await timed(async () => datastore.put(new Key(`/bench-floor/${i}`), new TextEncoder().encode(JSON.stringify({ type: 'version', record })))))
    }
    const resolveAlias: number[] = []
    const resolveNumber: number[] = []
    const resolveLatest: number[] = []
    for (let i = 0; i < samples; i++) {
      const name = `model-${i % models}`
      resolveAlias.push(await timed(() => registry.resolve('model', `${name}@production`)))
      resolveNumber.push(await timed(() => registry.resolve('model', `${name}@${1 + (i % (total / models))}`)))
      resolveLatest.push(await timed(() => registry.resolve('model', name)))
    }
    // reopening: from the compact snapshot (written at close), against reading every record's key (the old way)
    await registry.close()
    const opened: { registry?: Registry } = {}
    const open = await timed(async () => { opened.registry = await Registry.open({ datastore }) })
    if (opened.registry?.openedFrom !== 'snapshot') throw new Error('the reopen did not use the snapshot')
    const scan = await timed(async () => Registry.open({ datastore, snapshot: false }))
    await datastore.close()
    const preview = await previewBench(args)
    const registerP95 = percentile(register, 95)
    const resolveP95 = percentile(resolveAlias, 95)
    const goals: Goal[] = [
      preview.goal,
      { description: `registry: resolve name@alias p95 < 1 ms with ${total + samples} versions`, ratio: 1 / resolveP95, threshold: 1, pass: resolveP95 < 1, measured: `${resolveP95.toFixed(3)} ms`, target: '< 1 ms' },
      { description: `registry: reopen with ${total + samples} versions ≤ 0.25× reading every record's key (same run)`, ratio: (0.25 * scan) / open, threshold: 1, pass: open <= 0.25 * scan, measured: `${open.toFixed(0)} ms vs ${scan.toFixed(0)} ms`, target: '≤ 0.25×' },
      { description: 'registry: register p95 ≤ 3× one datastore put of the same record (same run)', ratio: (3 * percentile(put, 95)) / registerP95, threshold: 1, pass: registerP95 <= 3 * percentile(put, 95), measured: `${registerP95.toFixed(3)} ms vs ${percentile(put, 95).toFixed(3)} ms`, target: '≤ 3×' }
    ]
    return {
      rows: [],
      goals,
      notes: [`registry: ${total} versions registered in ${(fill / 1000).toFixed(1)} s (${Math.round(total / (fill / 1000))}/s) on SafeFsDatastore; reopening takes ${open.toFixed(0)} ms from the compact snapshot, ${scan.toFixed(0)} ms reading every key`],
      tables: [preview.table, {
        title: `registry latency with ${total} versions (ms)`,
        columns: ['operation', 'p50', 'p95', 'samples'],
        rows: [
          ['register (one more version, on disk)', ms(register, 50), ms(register, 95), register.length],
          ['datastore put of the same record (floor)', ms(put, 50), ms(put, 95), put.length],
          ['resolve name@production', ms(resolveAlias, 50), ms(resolveAlias, 95), resolveAlias.length],
          ['resolve name@<n>', ms(resolveNumber, 50), ms(resolveNumber, 95), resolveNumber.length],
          ['resolve name (latest)', ms(resolveLatest, 50), ms(resolveLatest, 95), resolveLatest.length],
          ['reopen from the compact snapshot', Math.round(open), Math.round(open), 1],
          ['reopen reading every record\'s key (no snapshot)', Math.round(scan), Math.round(scan), 1]
        ]
      }]
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('registry', startedAt, args.quick, [await runRegistryBench(args)]), { json: args.json })
}
