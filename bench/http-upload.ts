/**
 * The upload part of the relay HTTP benchmark (`http.ts`): one file POSTed to `/api/v1/add` as
 * `application/octet-stream`, streamed from disk by `curl -T`, against a plain copy of the file to the same
 * filesystem (the raw disk write) and against ipfs-kit's in-process add (`createContentStore` over the relay's
 * `FsBlockstore`). Cases interleave round by round; each round has its own seeded file (the relay skips blocks
 * it already holds, so a repeated file would measure nothing); the HTTP add and the in-process add must build
 * the same root CID.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createContentStore } from '../core/content/index.ts'
import { FsBlockstore } from '../node-relay/blocks/fs-blockstore.ts'
import { sampleCpu } from './lib/cpu-usage.ts'
import { DEFAULT_SEED, ensureDataFile, readData } from './lib/data.ts'
import { checkGoal, MIB, toRow } from './lib/report.ts'
import { runRounds } from './lib/runner.ts'
import type { BenchSection } from './lib/report.ts'
import type { BenchCase, Measurement } from './lib/runner.ts'

/** Upload row names, also the baselines' names in the ratio columns. */
export const UPLOAD_ROWS = {
  rawWrite: 'raw disk write',
  inProcessAdd: 'ours add (in-process)',
  httpAdd: 'http POST /api/v1/add'
} as const

/** The goal: an HTTP upload at least this fraction of the in-process add's throughput. */
export const UPLOAD_GOAL = 0.5

interface UploadState {
  bytes: number
  /** One data file per round (warm-ups included): the relay skips blocks it already holds, so no round may repeat one. */
  dataPaths: string[]
  /** Root CID of each round's file; the HTTP add and the in-process add must agree on it. */
  rootCids: Map<number, string>
  /** Cores the relay used during each timed HTTP add. */
  relayCores: number[]
}

/** Data file of a round: the default seed plus the round, so every round adds bytes no store has seen. */
function uploadDataPath (state: UploadState, round: number): string {
  const path = state.dataPaths[round]
  if (path === undefined) throw new Error(`no data file for round ${round}`)
  return path
}

/** Size and rounds of an upload run. */
export interface UploadPlan {
  bytes: number
  warmup: number
  runs: number
}

/** Runs the upload cases against a running relay and returns their rows, goal and notes. */
export async function runUploadBench (relay: { url: string, pid: number }, workDir: string, plan: UploadPlan, log: (line: string) => void): Promise<BenchSection> {
  const group = `http upload ${plan.bytes / MIB} MiB`
  const { warmup, runs } = plan
  const dataPaths: string[] = []
  for (let round = 0; round < warmup + runs; round++) dataPaths.push(await ensureDataFile(plan.bytes, `${DEFAULT_SEED}-http-upload-${round}`))
  const state: UploadState = { bytes: plan.bytes, dataPaths, rootCids: new Map(), relayCores: [] }
  const storeDir = join(workDir, 'in-process')
  const blockstore = new FsBlockstore({ path: storeDir })
  await blockstore.open()
  let measurements: Measurement[]
  try {
    const cases: BenchCase[] = [rawWriteCase(state, workDir), inProcessAddCase(state, blockstore), httpAddCase(state, relay)]
    measurements = await runRounds(cases, {
      warmup,
      runs,
      onRound: (round, isWarmup) => { log(`[${group}] round ${round + 1}/${warmup + runs}${isWarmup ? ' (warm-up)' : ''}`) }
    })
  } finally {
    await blockstore.close()
    await rm(storeDir, { recursive: true, force: true })
  }
  const find = (name: string): Measurement => {
    const found = measurements.find(measurement => measurement.name === name)
    if (found === undefined) throw new Error(`${group}: no samples for ${name}`)
    return found
  }
  const rawWrite = toRow(group, find(UPLOAD_ROWS.rawWrite))
  const inProcessAdd = toRow(group, find(UPLOAD_ROWS.inProcessAdd), [rawWrite])
  const httpAdd = toRow(group, find(UPLOAD_ROWS.httpAdd), [inProcessAdd, rawWrite])
  const notes = [
    `${group}: each round adds a file no store has seen (the relay skips blocks it holds); the HTTP add and the in-process add built the same roots (${[...state.rootCids.values()].join(', ')}); both stores persist across rounds; the raw write copies the file to the same filesystem without fsync`
  ]
  notes.push(`${group}: the relay used ${state.relayCores.map(cores => cores.toFixed(2)).join(', ')} cores during the HTTP adds (median of 0.25 s samples)`)
  if (runs === 1 && warmup === 0) notes.push(`${group}: one cold run (smoke test); ratios are indicative only`)
  return {
    rows: [rawWrite, inProcessAdd, httpAdd],
    goals: [checkGoal(`${group}: HTTP add ≥ ${UPLOAD_GOAL}× the in-process add`, httpAdd, inProcessAdd, UPLOAD_GOAL)],
    notes
  }
}

/** The file copied to a new file on the relay's filesystem: what any upload must at least pay. */
function rawWriteCase (state: UploadState, workDir: string): BenchCase {
  return async (ctx) => {
    const target = join(workDir, 'raw-write.bin')
    try {
      await ctx.time(UPLOAD_ROWS.rawWrite, state.bytes, async () => pipeline(readData(uploadDataPath(state, ctx.round)), createWriteStream(target)))
    } finally {
      await rm(target, { force: true })
    }
  }
}

/** ipfs-kit's add in this process, over the relay's blockstore class, with the relay's defaults. */
function inProcessAddCase (state: UploadState, blockstore: FsBlockstore): BenchCase {
  const content = createContentStore({ blockstore, reuseLeafBuffers: true })
  return async (ctx) => {
    const added = await ctx.time(UPLOAD_ROWS.inProcessAdd, state.bytes, async () => content.add(readData(uploadDataPath(state, ctx.round))))
    expectRoot(state, ctx.round, UPLOAD_ROWS.inProcessAdd, added.cid.toString())
  }
}

/**
 * The file streamed from disk to `POST /api/v1/add` by `curl -T` (Content-Length from the file, no `Expect:
 * 100-continue`). `fetch` with a stream body cost the client so much CPU that the relay waited on it (it
 * reached ~0.5 core and ~65 MiB/s where curl drove it to ~0.9 core and ~110 MiB/s).
 */
function httpAddCase (state: UploadState, relay: { url: string, pid: number }): BenchCase {
  return async (ctx) => {
    const relayCpu = sampleCpu(relay.pid, 250)
    const cid = await ctx.time(UPLOAD_ROWS.httpAdd, state.bytes, async () => curlUpload(`${relay.url}/api/v1/add`, uploadDataPath(state, ctx.round)))
    const cores = await relayCpu.stop()
    if (!ctx.warmup) state.relayCores.push(cores)
    expectRoot(state, ctx.round, UPLOAD_ROWS.httpAdd, cid)
  }
}

/** POSTs the file at `path` with curl and returns the CID from the JSON answer. */
async function curlUpload (url: string, path: string): Promise<string> {
  const child = spawn('curl', ['--silent', '--show-error', '--fail-with-body', '-X', 'POST', '-H', 'Expect:', '-H', 'content-type: application/octet-stream', '-T', path, url], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (code !== 0) throw new Error(`curl upload failed (${code}): ${stderr} ${stdout.slice(0, 500)}`)
  const body: unknown = JSON.parse(stdout)
  const cid = typeof body === 'object' && body !== null && 'cid' in body ? body.cid : undefined
  if (typeof cid !== 'string') throw new Error(`add answered without a cid: ${stdout.slice(0, 500)}`)
  return cid
}

function expectRoot (state: UploadState, round: number, what: string, cid: string): void {
  const expected = state.rootCids.get(round)
  if (expected === undefined) state.rootCids.set(round, cid)
  else if (cid !== expected) throw new Error(`${what}: root ${cid} differs from ${expected} — the DAGs differ`)
}
