/**
 * Relay HTTP benchmark: the relay's server under load, and uploads through it.
 *
 * The relay runs as its own process (`ipfs-kit start` on free ports over a fresh data directory) and the load
 * comes from `autocannon` in another process, so neither shares an event loop with the other nor with this
 * one. On a 2-core machine each then gets about one core; the table shows how many cores each used (median of
 * 0.5 s samples from `/proc`), which tells whether the server or the load generator was the limit.
 *
 * - Load: `GET /health`, `GET /api/v1/cat/<cid>` of a 1 KiB and a 16 MiB file, `GET /ipfs/<cid>?format=raw` of
 *   the 1 KiB file (a raw leaf, so one block). 100 connections (fewer for 16 MiB, see `LARGE_CONNECTIONS`),
 *   a warm-up, then a fixed measured window: 6 s (`--quick`: 2 s). Requests/s are per-second samples. Full
 *   runs also load a bare Fastify server answering `/health` and 1 KiB from memory (`lib/bare-server.ts`), the
 *   ceiling the small GETs are compared with: each relay row right after the bare row it is compared with, in 3
 *   rounds (`--runs`); a goal's ratio is the median of the rounds' ratios, since this shared machine's speed
 *   drifts over minutes.
 * - Upload: one file (256 MiB; `--quick` 16 MiB) POSTed to `/api/v1/add` as `application/octet-stream`,
 *   streamed from disk by `curl -T`, against a plain copy of the file to the same filesystem (the raw disk write) and against
 *   ipfs-kit's in-process add (`createContentStore` over the relay's `FsBlockstore`). Cases interleave round
 *   by round; each round has its own seeded file (the relay skips blocks it already holds, so a repeated file
 *   would measure nothing); the HTTP add and the in-process add must build the same root CID.
 *
 * `BENCH_RELAY_CPU_PROF=<dir>` starts the relay with `--cpu-prof` and writes its CPU profile to `<dir>` when it
 * stops. Run alone with `npx tsx bench/http.ts [--quick] [--json] [--runs N] [--warmup N]`, or via `bench/run.ts`.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseBenchArgs } from './lib/args.ts'
import { sampleCpu } from './lib/cpu-usage.ts'
import { UPLOAD_GOAL, runUploadBench } from './http-upload.ts'
import { freshTempDir } from './lib/data.ts'
import { runCurlLoad, startLoadWorker } from './lib/load.ts'
import { createReport, MIB, publishReport } from './lib/report.ts'
import { startRelayProcess, startServerProcess } from './lib/relay-process.ts'
import { median } from './lib/stats.ts'
import type { LoadOptions, LoadResult, LoadWorker } from './lib/load.ts'
import type { RelayProcess } from './lib/relay-process.ts'
import type { BenchSection, Goal, ReportTable } from './lib/report.ts'

/** Connections for the small requests, as the issue's goals state them. */
export const CONNECTIONS = 100
/**
 * Connections for the 16 MiB cat, driven by `curl --parallel` instead of autocannon, whose JavaScript body
 * parser manages ~20 MiB/s per core here (the client, not the server, would be measured; Node's own clients
 * did 2–4× worse than curl too). 100 concurrent 16 MiB responses would each take seconds, longer than a quick
 * run's window; 10 keep the server busy and the latencies meaningful.
 */
export const LARGE_CONNECTIONS = 10

/** Targets from the issue. */
export const GOALS = {
  /** `/health` against the bare server's `/health`. */
  healthVsBare: 0.6,
  /** A 1 KiB cat or raw gateway read against the bare server's 1 KiB GET. */
  smallReadVsBare: 0.4,
  p99Ms: 20,
  uploadVsInProcess: UPLOAD_GOAL
} as const

const BARE_SERVER = fileURLToPath(new URL('./lib/bare-server.ts', import.meta.url))
const BARE_ROW = 'GET 1 KiB, bare Fastify (ceiling)'
const BARE_HEALTH_ROW = 'GET /health, bare Fastify (ceiling)'
const BARE_HEALTH_IDLE_ROW = 'GET /health, bare Fastify (ceiling, beside the idle relay)'
const SMALL_BYTES = 1024
const LARGE_BYTES = 16 * MIB

/** Options for {@link runHttpBench}. */
export interface HttpBenchOptions {
  /** Short windows and a 16 MiB upload: a CI smoke test (well under 30 s). */
  quick: boolean
  /** Load rounds (each endpoint once per round) and timed upload rounds; defaults 1 and 3 (quick 1 and 1). */
  runs?: number
  /** Upload warm-up rounds (default 1, quick 0). */
  warmup?: number
  /** Extra `node` flags for the relay process (default: `--cpu-prof` when `BENCH_RELAY_CPU_PROF` is set). */
  relayNodeArgs?: string[]
  /** Progress lines (default: stderr). */
  log?: (line: string) => void
}

/** Durations, rounds and sizes of one run. */
export interface Plan {
  durationSeconds: number
  warmupSeconds: number
  loadRounds: number
  uploadBytes: number
  uploadRounds: { warmup: number, runs: number }
  /** Also load a bare Fastify server with the same 1 KiB answer: the ceiling for small GETs (full runs only). */
  bareBaseline: boolean
}

/** Which process a load goes to. */
type ServerName = 'relay' | 'bare' | 'idle'

/** One endpoint put under load. */
interface LoadTarget {
  name: string
  server: ServerName
  path: string
  connections: number
  /** Body bytes each 2xx response must carry. */
  bodyBytes: number
  /** Small requests are what the req/s and p99 goals are about; they run under autocannon, large ones under curl. */
  small: boolean
  /** The bare server's row this relay row is compared with (measured just before it in each round). */
  baseline?: string
}

/** A load result with the CPU each side used. */
interface LoadRun extends LoadResult {
  /** Cores the server (relay or bare baseline) used. */
  relayCores: number
  clientCores: number
}

/** The plan for `options`: 10 s windows and 256 MiB, or 2 s and 16 MiB when quick. */
export function planFor (options: HttpBenchOptions): Plan {
  return options.quick
    ? { durationSeconds: 2, warmupSeconds: 0.5, loadRounds: 1, uploadBytes: 16 * MIB, uploadRounds: { warmup: options.warmup ?? 0, runs: options.runs ?? 1 }, bareBaseline: false }
    : { durationSeconds: 6, warmupSeconds: 1, loadRounds: options.runs ?? 3, uploadBytes: 256 * MIB, uploadRounds: { warmup: options.warmup ?? 1, runs: options.runs ?? 3 }, bareBaseline: true }
}

function relayNodeArgs (): string[] {
  const dir = process.env.BENCH_RELAY_CPU_PROF
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]
}

/** Starts a relay process, runs the load and upload parts against it, stops it and returns the section. */
export async function runHttpBench (options: HttpBenchOptions): Promise<BenchSection> {
  const log = options.log ?? ((line: string) => { process.stderr.write(line + '\n') })
  const plan = planFor(options)
  const dir = await freshTempDir('http')
  const nodeArgs = options.relayNodeArgs ?? relayNodeArgs()
  const started = performance.now()
  const relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), nodeArgs }).catch(async (err: unknown) => { await dir.remove(); throw err })
  log(`[http] relay ${relay.url} (pid ${relay.pid}${nodeArgs.length > 0 ? `, ${nodeArgs.join(' ')}` : ''}) up in ${seconds(started)} s`)
  const bare = plan.bareBaseline ? await startServerProcess([BARE_SERVER]).catch(async (err: unknown) => { await relay.stop(); await dir.remove(); throw err }) : undefined
  const servers = new Map<ServerName, RelayProcess>([['relay', relay]])
  if (bare !== undefined) servers.set('bare', bare)
  // a second relay, first loaded after the rows above have run (over a minute after it started): a relay that idled
  // first used to answer small requests slower for the rest of its life (docs/PERFORMANCE.md, "the slow state"), as a
  // deployed relay usually has idled; `keepNextTickShape` fixed it, and this row shows if it ever comes back
  const idle = bare === undefined ? undefined : await startRelayProcess({ dataDir: join(dir.path, 'relay-idle'), nodeArgs }).catch(async (err: unknown) => { await bare.stop(); await relay.stop(); await dir.remove(); throw err })
  if (idle !== undefined) servers.set('idle', idle)
  try {
    const small = await addBytes(relay.url, randomBytes(SMALL_BYTES))
    const large = await addBytes(relay.url, randomBytes(LARGE_BYTES))
    // each relay row follows the bare row it is compared with, so the two meet the machine in the same state
    const targets: LoadTarget[] = [
      ...(bare === undefined ? [] : [{ name: BARE_HEALTH_ROW, server: 'bare' as const, path: '/health', connections: CONNECTIONS, bodyBytes: -1, small: true }]),
      { name: 'GET /health', server: 'relay', path: '/health', connections: CONNECTIONS, bodyBytes: -1, small: true, baseline: BARE_HEALTH_ROW },
      ...(bare === undefined ? [] : [{ name: BARE_ROW, server: 'bare' as const, path: '/bytes', connections: CONNECTIONS, bodyBytes: -1, small: true }]),
      { name: 'GET /api/v1/cat 1 KiB', server: 'relay', path: `/api/v1/cat/${small.cid}`, connections: CONNECTIONS, bodyBytes: SMALL_BYTES, small: true, baseline: BARE_ROW },
      { name: 'GET /ipfs ?format=raw 1 KiB', server: 'relay', path: `/ipfs/${small.cid}?format=raw`, connections: CONNECTIONS, bodyBytes: SMALL_BYTES, small: true, baseline: BARE_ROW },
      { name: 'GET /api/v1/cat 16 MiB', server: 'relay', path: `/api/v1/cat/${large.cid}`, connections: LARGE_CONNECTIONS, bodyBytes: LARGE_BYTES, small: false },
      ...(idle === undefined
        ? []
        : [
            { name: BARE_HEALTH_IDLE_ROW, server: 'bare' as const, path: '/health', connections: CONNECTIONS, bodyBytes: -1, small: true },
            { name: 'GET /health, relay first loaded after idling', server: 'idle' as const, path: '/health', connections: CONNECTIONS, bodyBytes: -1, small: true, baseline: BARE_HEALTH_IDLE_ROW }
          ])
    ]
    await checkResponses(servers, targets, [small, large])
    const loads = await runLoads(servers, targets, plan, log)
    const upload = await runUploadBench(relay, dir.path, { bytes: plan.uploadBytes, ...plan.uploadRounds }, log)
    log(`[http] done in ${seconds(started)} s`)
    return {
      rows: upload.rows,
      goals: [...loadGoals(targets, loads), ...upload.goals],
      notes: [...loadNotes(plan, loads), ...upload.notes],
      tables: [loadTable(targets, loads, plan)]
    }
  } finally {
    await idle?.stop()
    await bare?.stop()
    await relay.stop()
    await dir.remove()
  }
}

function serverOf (servers: ReadonlyMap<ServerName, RelayProcess>, target: LoadTarget): RelayProcess {
  const server = servers.get(target.server)
  if (server === undefined) throw new Error(`${target.name}: no ${target.server} server running`)
  return server
}

// ---- load ----

async function runLoads (servers: ReadonlyMap<ServerName, RelayProcess>, targets: readonly LoadTarget[], plan: Plan, log: (line: string) => void): Promise<Map<string, LoadRun[]>> {
  const runs = new Map<string, LoadRun[]>(targets.map(target => [target.name, []]))
  const worker = await startLoadWorker()
  try {
    for (let round = 0; round < plan.loadRounds; round++) {
      for (const target of targets) runs.get(target.name)?.push(await runTargetLoad(servers, worker, target, plan, round, log))
    }
  } finally {
    await worker.close()
  }
  return runs
}

/** One load on one target, with the CPU the server and the client used meanwhile. */
async function runTargetLoad (servers: ReadonlyMap<ServerName, RelayProcess>, worker: LoadWorker, target: LoadTarget, plan: Plan, round: number, log: (line: string) => void): Promise<LoadRun> {
  log(`[http] ${target.name}: ${target.connections} connections, ${plan.warmupSeconds} s warm-up + ${plan.durationSeconds} s${plan.loadRounds > 1 ? ` (round ${round + 1}/${plan.loadRounds})` : ''}`)
  const server = serverOf(servers, target)
  const relayCpu = sampleCpu(server.pid)
  let clientCpu = target.small ? sampleCpu(worker.pid) : undefined
  const options: LoadOptions = {
    url: server.url + target.path,
    connections: target.connections,
    durationSeconds: plan.durationSeconds,
    warmupSeconds: plan.warmupSeconds,
    timeoutSeconds: 30,
    onSpawn: (pid) => { clientCpu = sampleCpu(pid) }
  }
  const result = await (target.small ? worker.run(options) : runCurlLoad(options))
  const relayCores = await relayCpu.stop()
  const clientCores = await clientCpu?.stop() ?? 0
  log(`[http]   ${Math.round(result.requestsPerSecondMean)} req/s, p99 ${result.latencyP99Ms} ms, server ${relayCores.toFixed(2)} cores, client ${clientCores.toFixed(2)} cores`)
  return { ...result, relayCores, clientCores }
}

/** Per endpoint: the median over rounds of each figure (with one round, that round's figures); failures summed. */
function summariseLoad (runs: readonly LoadRun[]): LoadRun {
  const first = runs[0]
  if (first === undefined) throw new Error('no load runs')
  const mid = (pick: (run: LoadRun) => number): number => median(runs.map(pick))
  const sum = (pick: (run: LoadRun) => number): number => runs.reduce((total, run) => total + pick(run), 0)
  return {
    ...first,
    requests: sum(run => run.requests),
    requestsPerSecondMean: mid(run => run.requestsPerSecondMean),
    requestsPerSecondMedian: mid(run => run.requestsPerSecondMedian),
    latencyP50Ms: mid(run => run.latencyP50Ms),
    latencyP99Ms: mid(run => run.latencyP99Ms),
    latencyMaxMs: Math.max(...runs.map(run => run.latencyMaxMs)),
    bytesPerSecondMean: mid(run => run.bytesPerSecondMean),
    errors: sum(run => run.errors),
    timeouts: sum(run => run.timeouts),
    non2xx: sum(run => run.non2xx),
    relayCores: mid(run => run.relayCores),
    clientCores: mid(run => run.clientCores)
  }
}

function summaries (targets: readonly LoadTarget[], loads: Map<string, LoadRun[]>): Array<{ target: LoadTarget, load: LoadRun }> {
  return targets.map(target => ({ target, load: summariseLoad(loads.get(target.name) ?? []) }))
}

/** The summarised load of the bare row `target` is compared with, if it has one and it ran. */
function baselineOf (all: ReturnType<typeof summaries>, target: LoadTarget): LoadRun | undefined {
  return target.baseline === undefined ? undefined : all.find(({ target: other }) => other.name === target.baseline)?.load
}

function loadTable (targets: readonly LoadTarget[], loads: Map<string, LoadRun[]>, plan: Plan): ReportTable {
  const all = summaries(targets, loads)
  const bare = all.find(({ target }) => target.name === BARE_ROW)?.load
  return {
    title: `relay HTTP under load (autocannon, ${plan.durationSeconds} s per endpoint after ${plan.warmupSeconds} s warm-up${plan.loadRounds > 1 ? `, median of ${plan.loadRounds} rounds` : ''})`,
    columns: ['endpoint', 'client', 'conns', 'requests', 'req/s mean', 'req/s median', 'p50 ms', 'p99 ms', 'max ms', 'MiB/s', 'server cores', 'client cores', 'req/s per server core', ...(bare === undefined ? [] : ['vs bare Fastify']), 'errors / timeouts / non-2xx'],
    rows: all.map(({ target, load }) => [
      target.name, target.small ? 'autocannon' : 'curl', load.connections, load.requests, Math.round(load.requestsPerSecondMean), Math.round(load.requestsPerSecondMedian),
      load.latencyP50Ms, load.latencyP99Ms, load.latencyMaxMs, round(load.bytesPerSecondMean / MIB, 1),
      round(load.relayCores, 2), round(load.clientCores, 2), perCore(load.requestsPerSecondMean, load.relayCores),
      ...(bare === undefined ? [] : [ratioCell(load, baselineOf(all, target))]),
      `${load.errors} / ${load.timeouts} / ${load.non2xx}`
    ])
  }
}

function ratioCell (load: LoadRun, baseline: LoadRun | undefined): string {
  return baseline === undefined ? '—' : `${(load.requestsPerSecondMedian / baseline.requestsPerSecondMedian).toFixed(2)}×`
}

/**
 * Requests per second per core the relay used: what one uncontended core would serve if CPU were the only
 * limit (the relay's work runs on its main thread). Steadier than req/s on a shared machine.
 */
function perCore (requestsPerSecond: number, cores: number): number | string {
  return cores < 0.05 ? '—' : Math.round(requestsPerSecond / cores)
}

function loadGoals (targets: readonly LoadTarget[], loads: Map<string, LoadRun[]>): Goal[] {
  const goals: Goal[] = []
  const all = summaries(targets, loads)
  // the issue's goals: /health ≥ 0.6× the bare server's /health, a 1 KiB read ≥ 0.4× the bare server's 1 KiB GET
  for (const { target, load } of all) {
    if (!target.small || target.baseline === undefined) continue
    const health = target.path === '/health'
    const bare = baselineOf(all, target)
    const bareRuns = loads.get(target.baseline) ?? []
    const runs = loads.get(target.name) ?? []
    if (bare === undefined || bareRuns.length !== runs.length) continue
    const goal = health ? GOALS.healthVsBare : GOALS.smallReadVsBare
    // the ratio of each round (the relay against the bare server measured just before it), then their median: the
    // machine's speed drifts over minutes, and a round's two loads meet it in the same state
    const perRound = runs.map((run, i) => run.requestsPerSecondMedian / (bareRuns[i]?.requestsPerSecondMedian ?? Number.NaN))
    const ratio = median(perRound)
    goals.push({
      description: `http: ${target.name} ≥ ${goal}× bare Fastify's ${health ? '/health' : '1 KiB GET'} (median req/s, same client, same run${runs.length > 1 ? `, median of ${runs.length} rounds` : ''})`,
      ratio: ratio / goal,
      threshold: 1,
      pass: ratio >= goal,
      measured: `${ratio.toFixed(2)}× (${Math.round(load.requestsPerSecondMedian).toLocaleString('en')} vs ${Math.round(bare.requestsPerSecondMedian).toLocaleString('en')} req/s${runs.length > 1 ? `; rounds ${perRound.map(r => r.toFixed(2)).join(', ')}` : ''})`,
      target: `≥ ${goal}×`
    })
  }
  for (const { target, load } of all) {
    if (!target.small || target.server === 'bare') continue
    goals.push({
      description: `http: ${target.name} p99 < ${GOALS.p99Ms} ms at ${target.connections} connections`,
      ratio: GOALS.p99Ms / Math.max(load.latencyP99Ms, Number.EPSILON),
      threshold: 1,
      pass: load.latencyP99Ms < GOALS.p99Ms,
      measured: `${load.latencyP99Ms} ms`,
      target: `< ${GOALS.p99Ms} ms`
    })
  }
  const failures = all.reduce((total, { load }) => total + load.errors + load.timeouts + load.non2xx, 0)
  goals.push({
    description: 'http: no errors, timeouts or non-2xx answers under load',
    ratio: failures === 0 ? 1 : 0,
    threshold: 1,
    pass: failures === 0,
    measured: `${failures} failed`,
    target: '0 failed'
  })
  return goals
}

function loadNotes (plan: Plan, loads: Map<string, LoadRun[]>): string[] {
  const notes = [
    'http: the relay and the load generator (autocannon, 1 thread; `curl --parallel` for 16 MiB bodies, which autocannon parses at ~20 MiB/s) run as separate processes on one machine; "cores" = CPU seconds ÷ wall seconds per process (median of 0.5 s samples). A server at ≈ 1 core is bound by its main thread; well below 1 with the client below 1 too means the machine is shared. "req/s per server core" = req/s ÷ server cores, the CPU cost per request in a form that survives a busy machine; "vs bare Fastify" = median req/s ÷ the bare server\'s matching endpoint (its `/health` for `/health`, its 1 KiB GET for the 1 KiB reads).'
  ]
  if (plan.durationSeconds < 10) notes.push(`http: ${plan.durationSeconds} s windows (smoke test): req/s and latencies are indicative only`)
  for (const [name, runs] of loads) {
    for (const run of runs) {
      const bad = Object.entries(run.statusCodes).filter(([status]) => !status.startsWith('2'))
      if (run.errors + run.timeouts + run.non2xx > 0) {
        notes.push(`http: ${name}: ${run.errors} errors, ${run.timeouts} timeouts, ${run.non2xx} non-2xx${bad.length > 0 ? ` (${bad.map(([status, count]) => `${status}×${count}`).join(', ')})` : ''}`)
      }
    }
  }
  return notes
}

// ---- fixtures ----

interface Added { cid: string, bytes: Uint8Array<ArrayBuffer> }

function randomBytes (length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536))
  return bytes
}

async function addBytes (url: string, bytes: Uint8Array<ArrayBuffer>): Promise<Added> {
  const response = await fetch(`${url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
  return { cid: await cidOf(response), bytes }
}

async function cidOf (response: Response): Promise<string> {
  const body: unknown = await response.json()
  if (!response.ok) throw new Error(`add answered ${response.status}: ${JSON.stringify(body)}`)
  const cid = typeof body === 'object' && body !== null && 'cid' in body ? body.cid : undefined
  if (typeof cid !== 'string') throw new Error(`add answered without a cid: ${JSON.stringify(body)}`)
  return cid
}

/** Untimed: every endpoint answers 2xx with the bytes that were added, before any load is measured. */
async function checkResponses (servers: ReadonlyMap<ServerName, RelayProcess>, targets: readonly LoadTarget[], added: readonly Added[]): Promise<void> {
  for (const target of targets) {
    const response = await fetch(serverOf(servers, target).url + target.path)
    const body = new Uint8Array(await response.arrayBuffer())
    if (!response.ok) throw new Error(`${target.name} answered ${response.status}: ${new TextDecoder().decode(body.subarray(0, 500))}`)
    if (target.bodyBytes < 0) continue
    const expected = added.find(entry => target.path.includes(entry.cid))
    if (expected === undefined || !equalBytes(body, expected.bytes)) throw new Error(`${target.name} returned other bytes than were added`)
  }
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

function seconds (since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1)
}

function round (value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

async function main (): Promise<void> {
  const args = parseBenchArgs()
  const startedAt = new Date()
  const section = await runHttpBench(args)
  await publishReport(createReport('http', startedAt, args.quick, [section]), { json: args.json })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main()
}
