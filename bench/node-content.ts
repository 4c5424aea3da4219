/**
 * Node content benchmark (foundation issue): add and cat of one file through ipfs-kit's content store on its
 * fs blockstore, against Helia 7 + blockstore-fs (offline) and against the SHA-256 "hashing limit", all in one
 * run on the same seeded random bytes read from the same file. Cases are interleaved round by round, Helia and
 * ours swapping places every round (see `alternating`); each add gets a fresh store directory under
 * `os.tmpdir()`, removed afterwards. Both implementations must produce the same root CID (same DAG), or the run
 * fails.
 *
 * Run alone with `node bench/node-content.ts [--quick] [--json] [--sizes 64,1024] [--runs N] [--warmup N]`,
 * or through `bench/run.ts`.
 */
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createContentStore } from '../core/content/index.ts'
import { FsBlockstore } from '../node-relay/blocks/fs-blockstore.ts'
import { parseBenchArgs, roundsFor } from './lib/args.ts'
import { ensureDataFile, freshTempDir, readData, READ_CHUNK_BYTES } from './lib/data.ts'
import { startOfflineHelia, UNIXFS_V1_2025 } from './lib/helia-offline.ts'
import { checkGoal, createReport, MIB, publishReport, toRow } from './lib/report.ts'
import { runRounds } from './lib/runner.ts'
import type { BenchSection, ResultRow } from './lib/report.ts'
import type { BenchCase, Measurement } from './lib/runner.ts'

/** Row names, also the baselines' names in the ratio columns. */
export const ROWS = {
  read: 'file read',
  sha256: 'sha256 (node:crypto)',
  heliaAdd: 'helia add',
  heliaCat: 'helia cat',
  oursAdd: 'ours add',
  oursCat: 'ours cat'
} as const

/** Options for {@link runNodeContentBench}. */
export interface NodeContentBenchOptions {
  /** File sizes in MiB, each measured separately. */
  sizesMiB: number[]
  /** Timed runs per size (default by size, see `roundsFor`). */
  runs?: number
  /** Warm-up rounds per size (default by size). */
  warmup?: number
  /** Progress lines (default: stderr). */
  log?: (line: string) => void
}

/** Runs the benchmark for each size and returns its rows, goals and notes. */
export async function runNodeContentBench (options: NodeContentBenchOptions): Promise<BenchSection> {
  const log = options.log ?? ((line: string) => { process.stderr.write(line + '\n') })
  const section: BenchSection = { rows: [], goals: [], notes: [] }
  for (const sizeMiB of options.sizesMiB) {
    const result = await benchSize(sizeMiB, roundsFor(sizeMiB, options), log)
    section.rows.push(...result.rows)
    section.goals.push(...result.goals)
    section.notes.push(...result.notes)
  }
  return section
}

/** What the cases of one size share across rounds. */
interface SizeState {
  bytes: number
  dataPath: string
  /** SHA-256 of the data, from the sha256 case. */
  digest?: string
  /** Root CID from the first add; every later add (Helia's or ours) must match it. */
  rootCid?: string
}

async function benchSize (sizeMiB: number, rounds: { warmup: number, runs: number }, log: (line: string) => void): Promise<BenchSection> {
  const group = `node ${sizeMiB} MiB`
  const bytes = sizeMiB * MIB
  const generating = Date.now()
  const state: SizeState = { bytes, dataPath: await ensureDataFile(bytes) }
  log(`[${group}] data ${state.dataPath} ready in ${((Date.now() - generating) / 1000).toFixed(1)} s; ${rounds.warmup} warm-up + ${rounds.runs} runs`)

  const cases: BenchCase[] = [readCase(state), sha256Case(state), alternating(heliaCase(state), oursCase(state, rounds.warmup + rounds.runs - 1))]
  const notes: string[] = []
  if (rounds.runs === 1 && rounds.warmup === 0) notes.push(`${group}: one cold run (smoke test); ratios are indicative only`)
  const measurements = await runRounds(cases, {
    ...rounds,
    onRound: (round, warmup) => { log(`[${group}] round ${round + 1}/${rounds.warmup + rounds.runs}${warmup ? ' (warm-up)' : ''}`) }
  })

  const find = (name: string): Measurement => {
    const found = measurements.find(measurement => measurement.name === name)
    if (found === undefined) throw new Error(`${group}: no samples for ${name}`)
    return found
  }
  const sha256 = toRow(group, find(ROWS.sha256))
  const heliaAdd = toRow(group, find(ROWS.heliaAdd), [sha256])
  const heliaCat = toRow(group, find(ROWS.heliaCat), [sha256])
  const oursAdd = toRow(group, find(ROWS.oursAdd), [heliaAdd, sha256])
  const oursCat = toRow(group, find(ROWS.oursCat), [heliaCat, sha256])
  const rows: ResultRow[] = [toRow(group, find(ROWS.read), [sha256]), sha256, heliaAdd, oursAdd, heliaCat, oursCat]
  return {
    rows,
    goals: [
      checkGoal(`${group}: ours add ≥ 2× Helia + blockstore-fs add`, oursAdd, heliaAdd, 2),
      checkGoal(`${group}: ours add ≥ 0.5× the SHA-256 limit`, oursAdd, sha256, 0.5),
      checkGoal(`${group}: ours cat ≥ 5× Helia cat`, oursCat, heliaCat, 5)
    ],
    notes: [
      ...notes,
      `${group}: Helia and ours built the same root ${state.rootCid ?? '?'} (CIDv1, raw leaves, 1 MiB chunks, 1024 links/node); ours cat verified against SHA-256 ${state.digest ?? '?'}`
    ]
  }
}

/**
 * Runs `a` then `b` in even rounds and `b` then `a` in odd ones. Position in a round matters (measured: whichever
 * add runs right after the SHA-256 case is up to 1.7× faster than the same add run after the other
 * implementation's cat and store removal), so a fixed order would hand that advantage to one side.
 */
function alternating (a: BenchCase, b: BenchCase): BenchCase {
  return async (ctx) => {
    const [first, second] = ctx.round % 2 === 0 ? [a, b] : [b, a]
    await first(ctx)
    await second(ctx)
  }
}

/** Reads the file and discards it: the I/O floor every other case pays too. */
function readCase (state: SizeState): BenchCase {
  return async (ctx) => {
    const read = await ctx.time(ROWS.read, state.bytes, async () => {
      let count = 0
      for await (const chunk of readData(state.dataPath)) count += byteLength(chunk)
      return count
    })
    expectBytes(ROWS.read, read, state.bytes)
  }
}

/** SHA-256 of the file read in 1 MiB blocks: the hashing limit for an add. */
function sha256Case (state: SizeState): BenchCase {
  return async (ctx) => {
    const digest = await ctx.time(ROWS.sha256, state.bytes, async () => sha256Of(readData(state.dataPath)))
    if (state.digest !== undefined && state.digest !== digest) throw new Error('data file changed during the run')
    state.digest = digest
  }
}

/** Helia 7 + blockstore-fs: `addByteStream` from the file, then `cat` drained, in a fresh store. */
function heliaCase (state: SizeState): BenchCase {
  return async (ctx) => {
    const dir = await freshTempDir('helia')
    const node = await startOfflineHelia(dir.path)
    try {
      const cid = await ctx.time(ROWS.heliaAdd, state.bytes, async () => node.fs.addByteStream(readData(state.dataPath), UNIXFS_V1_2025))
      expectRoot(state, ROWS.heliaAdd, cid.toString())
      const read = await ctx.time(ROWS.heliaCat, state.bytes, async () => drain(node.fs.cat(cid)))
      expectBytes(ROWS.heliaCat, read, state.bytes)
    } finally {
      await node.stop()
      await dir.remove()
    }
  }
}

/** ipfs-kit: `createContentStore` over the relay's FsBlockstore; add from the file, then cat drained. */
function oursCase (state: SizeState, lastRound: number): BenchCase {
  return async (ctx) => {
    const dir = await freshTempDir('ours')
    const blockstore = new FsBlockstore({ path: dir.path })
    await blockstore.open()
    try {
      const content = createContentStore({ blockstore })
      const added = await ctx.time(ROWS.oursAdd, state.bytes, async () => content.add(readData(state.dataPath), {
        chunker: { type: 'fixed', size: READ_CHUNK_BYTES },
        maxChildrenPerNode: 1024
      }))
      expectRoot(state, ROWS.oursAdd, added.cid.toString())
      const read = await ctx.time(ROWS.oursCat, state.bytes, async () => drain(content.cat(added.cid)))
      expectBytes(ROWS.oursCat, read, state.bytes)
      if (ctx.round === lastRound) {
        // untimed: the bytes themselves, not just their count, must come back
        const digest = await sha256Of(content.cat(added.cid))
        if (digest !== state.digest) throw new Error(`${ROWS.oursCat}: returned bytes differ from the source (sha256 ${digest})`)
      }
    } finally {
      await blockstore.close()
      await dir.remove()
    }
  }
}

async function sha256Of (chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}

async function drain (chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let count = 0
  for await (const chunk of chunks) count += chunk.byteLength
  return count
}

/** File read streams yield Buffers; the check keeps `unknown` chunks honest. */
function byteLength (chunk: unknown): number {
  if (chunk instanceof Uint8Array) return chunk.byteLength
  throw new TypeError('read stream yielded a non-byte chunk')
}

function expectBytes (what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: ${actual} bytes, expected ${expected}`)
}

/** A benchmark that builds different DAGs compares nothing: every add must produce the same root. */
function expectRoot (state: SizeState, what: string, cid: string): void {
  state.rootCid ??= cid
  if (cid !== state.rootCid) throw new Error(`${what}: root ${cid} differs from ${state.rootCid} — the DAGs differ`)
}

async function main (): Promise<void> {
  const args = parseBenchArgs()
  const startedAt = new Date()
  const section = await runNodeContentBench(args)
  await publishReport(createReport('node-content', startedAt, args.quick, [section]), { json: args.json })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main()
}
