/**
 * HTTP load from a separate process, so the load generator never shares an event loop with the server it
 * measures, nor with the bench process: `autocannon` (in `autocannon-worker.ts`, one process for the whole run)
 * for small responses, and `curl` (`--parallel`) for large ones, whose bodies autocannon parses too slowly to
 * measure a server.
 */
import { fork, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { median, percentile } from './stats.ts'
import type { WorkerRequest } from './autocannon-worker.ts'

const AUTOCANNON_WORKER = fileURLToPath(new URL('./autocannon-worker.ts', import.meta.url))

/** One load run. */
export interface LoadOptions {
  url: string
  /** Concurrent connections (autocannon `-c`). */
  connections: number
  /** Measured seconds (autocannon `-d`). */
  durationSeconds: number
  /** Seconds of load before measuring, discarded (autocannon `--warmup`); 0 for none. */
  warmupSeconds: number
  /** Seconds before a request counts as timed out (autocannon `-t`, default 10). */
  timeoutSeconds?: number
  /** Called with the load generator's pid once it is spawned (e.g. to sample its CPU use). */
  onSpawn?: (pid: number) => void
  /** Method, headers and body of every request (autocannon only; default GET). */
  method?: string
  headers?: Record<string, string>
  body?: string
}

/** What one load run measured. Requests and bytes per second are per-second samples of the measured window. */
export interface LoadResult {
  url: string
  connections: number
  durationSeconds: number
  /** Requests completed in the measured window. */
  requests: number
  requestsPerSecondMean: number
  requestsPerSecondMedian: number
  latencyP50Ms: number
  latencyP99Ms: number
  latencyMaxMs: number
  /** Response bytes per second (mean), counted as responses complete. */
  bytesPerSecondMean: number
  /** Socket errors, timeouts and non-2xx answers: a healthy run has none. */
  errors: number
  timeouts: number
  non2xx: number
  /** Status codes seen, with counts. */
  statusCodes: Record<string, number>
}

/** An autocannon process that runs loads one at a time. */
export interface LoadWorker {
  /** The worker's pid (to sample its CPU use). */
  pid: number
  /** Runs one load and returns its summary. */
  run(options: LoadOptions): Promise<LoadResult>
  /** Ends the worker process. */
  close(): Promise<void>
}

/** Forks `autocannon-worker.ts` (autocannon loads once, then serves every load of the run). */
export async function startLoadWorker (): Promise<LoadWorker> {
  const child = fork(AUTOCANNON_WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-10_000) })
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', reject)
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('autocannon worker has no pid')
  return {
    pid,
    run: async (options) => {
      const request: WorkerRequest = {
        url: options.url,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        timeoutSeconds: options.timeoutSeconds ?? 10,
        method: options.method,
        headers: options.headers,
        body: options.body
      }
      const reply = await new Promise<unknown>((resolve, reject) => {
        const onExit = (): void => { reject(new Error(`autocannon worker exited: ${stderr}`)) }
        child.once('exit', onExit)
        child.once('message', (message) => { child.off('exit', onExit); resolve(message) })
        child.send(request)
      })
      const raw = record(reply, 'autocannon reply')
      if (typeof raw.error === 'string') throw new Error(`autocannon: ${raw.error}`)
      return summarise(options, raw)
    },
    close: async () => {
      if (child.connected) child.disconnect()
      await exited
    }
  }
}

/**
 * Runs `curl` against `options.url` with `connections` transfers in parallel (keep-alive), for large responses:
 * its native parser keeps up where autocannon (a JavaScript body parser, ~20 MiB/s per core here) and Node's
 * own clients would be measured instead of the server. curl reports each transfer as it completes (status,
 * seconds, bytes, exit code: `--write-out` to unbuffered stderr); completions inside the measured window count,
 * then curl is stopped. Same summary as {@link runLoad}.
 */
export async function runCurlLoad (options: LoadOptions): Promise<LoadResult> {
  const transfers = Array.from({ length: options.connections * 10_000 }, () => `url = "${options.url}"\noutput = "/dev/null"\n`).join('')
  const child = spawn('curl', [
    '--silent', '--no-progress-meter', '--parallel', '--parallel-immediate', '--parallel-max', String(options.connections),
    '--max-time', String(options.timeoutSeconds ?? 10),
    '--write-out', '%{stderr}%{http_code} %{time_total} %{size_download} %{exitcode}\\n',
    '--config', '-'
  ], { stdio: ['pipe', 'ignore', 'pipe'] })
  if (child.pid !== undefined) options.onSpawn?.(child.pid)
  const started = performance.now()
  const windowStart = started + options.warmupSeconds * 1000
  const windowEnd = windowStart + options.durationSeconds * 1000
  const seconds = Math.max(1, Math.ceil(options.durationSeconds))
  const requestsPerSecond = new Array<number>(seconds).fill(0)
  const bytesPerSecond = new Array<number>(seconds).fill(0)
  const latenciesMs: number[] = []
  const statusCodes: Record<string, number> = {}
  let errors = 0
  let timeouts = 0
  let non2xx = 0
  let pending = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const now = performance.now()
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    if (now < windowStart || now > windowEnd) return
    const second = Math.min(seconds - 1, Math.floor((now - windowStart) / 1000))
    for (const line of lines) {
      const match = /^(\d{3}) ([\d.]+) (\d+) (\d+)$/.exec(line.trim())
      if (match === null) continue
      const [, status = '', time = '', size = '', exit = ''] = match
      if (exit !== '0') {
        if (exit === '28') timeouts++
        else errors++
        statusCodes[`curl exit ${exit}`] = (statusCodes[`curl exit ${exit}`] ?? 0) + 1
        continue
      }
      statusCodes[status] = (statusCodes[status] ?? 0) + 1
      if (!status.startsWith('2')) non2xx++
      latenciesMs.push(Number(time) * 1000)
      requestsPerSecond[second] = (requestsPerSecond[second] ?? 0) + 1
      bytesPerSecond[second] = (bytesPerSecond[second] ?? 0) + Number(size)
    }
  })
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', () => { resolve() })
  })
  child.stdin.on('error', () => {}) // curl stopped before reading every transfer: expected
  child.stdin.end(transfers)
  const timer = setTimeout(() => { child.kill('SIGTERM') }, windowEnd - started + 50)
  await exited
  clearTimeout(timer)
  if (performance.now() < windowEnd) throw new Error(`curl ended before the measured window did (${errors} errors)`)
  const latencies = latenciesMs.length === 0 ? [0] : latenciesMs
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length
  return {
    url: options.url,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    requests: latenciesMs.length,
    requestsPerSecondMean: mean(requestsPerSecond),
    requestsPerSecondMedian: median(requestsPerSecond),
    latencyP50Ms: round2(percentile(latencies, 50)),
    latencyP99Ms: round2(percentile(latencies, 99)),
    latencyMaxMs: round2(Math.max(...latencies)),
    bytesPerSecondMean: mean(bytesPerSecond),
    errors,
    timeouts,
    non2xx,
    statusCodes
  }
}

function round2 (value: number): number {
  return Math.round(value * 100) / 100
}

function summarise (options: LoadOptions, raw: Record<string, unknown>): LoadResult {
  const requests = record(raw.requests, 'requests')
  const latency = record(raw.latency, 'latency')
  const throughput = record(raw.throughput, 'throughput')
  const statusCodes: Record<string, number> = {}
  for (const [status, stats] of Object.entries(record(raw.statusCodeStats ?? {}, 'statusCodeStats'))) {
    statusCodes[status] = num(record(stats, 'statusCodeStats entry').count, 'count')
  }
  return {
    url: options.url,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    requests: num(requests.total, 'requests.total'),
    requestsPerSecondMean: num(requests.mean, 'requests.mean'),
    requestsPerSecondMedian: num(requests.p50, 'requests.p50'),
    latencyP50Ms: num(latency.p50, 'latency.p50'),
    latencyP99Ms: num(latency.p99, 'latency.p99'),
    latencyMaxMs: num(latency.max, 'latency.max'),
    bytesPerSecondMean: num(throughput.mean, 'throughput.mean'),
    errors: num(raw.errors, 'errors'),
    timeouts: num(raw.timeouts, 'timeouts'),
    non2xx: num(raw.non2xx, 'non2xx'),
    statusCodes
  }
}

function record (value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError(`load output: ${what} is not an object`)
  return value as Record<string, unknown>
}

function num (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`load output: ${what} is not a number`)
  return value
}
