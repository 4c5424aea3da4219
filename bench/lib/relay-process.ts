/**
 * A relay (`ipfs-kit start`) — or any server script that prints `http <url>` on stderr when it listens — in its
 * own process, for load tests: the load generator and the bench process must not share the server's event loop
 * or steal its CPU. Like `test/relay/child-relay.ts`, plus extra Node flags (`--cpu-prof`), the server's CPU
 * time from `/proc`, and a stop that waits for a clean exit (so a CPU profile gets written).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { processCpuSeconds } from './cpu-usage.ts'

const RELAY_MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))
const READY_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 30_000

/** Options for {@link startRelayProcess}. */
export interface RelayProcessOptions {
  /** The relay's data directory (fresh for a benchmark). */
  dataDir: string
  /** Extra flags for the child's `node`, e.g. `['--cpu-prof', '--cpu-prof-dir', dir]`. */
  nodeArgs?: string[]
  /** A JSON config file for the relay (`--config`). */
  configFile?: string
}

/** A running server process. */
export interface RelayProcess {
  /** Base URL of its HTTP server, e.g. `http://127.0.0.1:41234`. */
  url: string
  pid: number
  /** User + system CPU seconds the process has used so far (all its threads). */
  cpuSeconds(): Promise<number>
  /** SIGTERM, then waits for the process to drain and exit; rejects if it exits non-zero or hangs. */
  stop(): Promise<void>
}

/** Starts `ipfs-kit start` on free ports over `dataDir` and resolves once it prints its HTTP URL. */
export async function startRelayProcess (options: RelayProcessOptions): Promise<RelayProcess> {
  return startServerProcess([
    ...(options.nodeArgs ?? []), RELAY_MAIN, 'start', '--data-dir', options.dataDir, '--port', '0',
    '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--log-level', 'warn', '--offline',
    ...(options.configFile === undefined ? [] : ['--config', options.configFile])
  ])
}

/** Runs `node <args>` and resolves once the process prints `http <url>` on stderr. */
export async function startServerProcess (args: string[]): Promise<RelayProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-20_000) })

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server not ready after ${READY_TIMEOUT_MS} ms:\n${stderr}`))
    }, READY_TIMEOUT_MS)
    const onData = (): void => {
      const match = /http\s+(http:\/\/\S+)/.exec(stderr)
      if (match?.[1] === undefined) return
      clearTimeout(timer)
      child.stderr.off('data', onData)
      resolve(match[1])
    }
    child.stderr.on('data', onData)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal ?? '?'}) before it was ready:\n${stderr}`))
    })
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('server process has no pid')

  return {
    url,
    pid,
    cpuSeconds: async () => processCpuSeconds(pid),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, STOP_TIMEOUT_MS)
      const { code, signal } = await exited
      clearTimeout(timer)
      if (code !== 0) throw new Error(`server exited with ${code ?? signal ?? '?'}:\n${stderr}`)
    }
  }
}
