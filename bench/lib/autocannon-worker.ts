/**
 * A long-lived autocannon process, driven over IPC by `load.ts` (`startLoadWorker`): one start-up (autocannon
 * takes about a second of CPU to load) serves every small-request load of a run. Each message is a
 * `WorkerRequest`; the reply is autocannon's result object (as its `--json` prints it, warm-up dropped) or
 * `{ error }`. Run with `child_process.fork`, never directly.
 */
import { createRequire } from 'node:module'

/** What the parent sends for one load. */
export interface WorkerRequest {
  url: string
  connections: number
  durationSeconds: number
  warmupSeconds: number
  timeoutSeconds: number
  /** Request method, headers and body (default: GET with none). */
  method?: string
  headers?: Record<string, string>
  body?: string
}

type Autocannon = (options: Record<string, unknown>) => Promise<Record<string, unknown>>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

async function runOne (request: WorkerRequest): Promise<Record<string, unknown>> {
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.durationSeconds,
    timeout: request.timeoutSeconds,
    ...(request.method === undefined ? {} : { method: request.method }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.warmupSeconds > 0 ? { warmup: { connections: request.connections, duration: request.warmupSeconds } } : {})
  })
  const { warmup: _warmup, ...measured } = result
  return measured
}

process.on('message', (message: WorkerRequest) => {
  runOne(message).then(
    (result) => { process.send?.(result) },
    (err: unknown) => { process.send?.({ error: err instanceof Error ? err.message : String(err) }) }
  )
})
process.on('disconnect', () => { process.exit(0) })
