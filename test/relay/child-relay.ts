import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

const main = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

/** A relay running as its own process (`ipfs-kit start`), for tests of signals, crashes and memory. */
export interface ChildRelay {
  proc: ChildProcess
  url: string
  pid: number
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** Peak resident memory so far (VmHWM), in bytes. */
  peakRss: () => Promise<number>
}

/** Start `ipfs-kit start` on free ports over `dataDir` (plus `args`, with `env` added) and wait until it prints its URL. */
export async function spawnRelay (dataDir: string, options: { args?: string[], env?: Record<string, string> } = {}): Promise<ChildRelay> {
  const proc = spawn(process.execPath, [main, 'start', '--data-dir', dataDir, '--port', '0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--log-level', 'warn', ...(options.args ?? [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env }
  })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    proc.on('exit', (code, signal) => { resolve({ code, signal }) })
  })
  const url = await new Promise<string>((resolve, reject) => {
    let text = ''
    proc.stderr?.setEncoding('utf8')
    proc.stderr?.on('data', (chunk: string) => {
      text += chunk
      const match = /http\s+(http:\/\/\S+)/.exec(text)
      if (match?.[1] !== undefined) resolve(match[1])
    })
    void exited.then(() => { reject(new Error(`relay exited before it was ready:\n${text}`)) })
  })
  const pid = proc.pid
  if (pid === undefined) throw new Error('no pid')
  return {
    proc,
    url,
    pid,
    exited,
    peakRss: async () => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
      return kb * 1024
    }
  }
}

/** A stream of `total` random bytes in 1 MiB chunks, counting what has been pulled. */
export function randomUpload (total: number, onChunk?: (sent: number) => void | Promise<void>): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      if (sent >= total) {
        controller.close()
        return
      }
      const size = Math.min(1024 * 1024, total - sent)
      const chunk = new Uint8Array(size)
      crypto.getRandomValues(chunk.subarray(0, Math.min(size, 65_536)))
      chunk.copyWithin(65_536, 0, size - 65_536 > 0 ? size - 65_536 : 0)
      for (let i = 65_536; i < size; i += 4096) chunk[i] = (sent + i) & 0xff
      sent += size
      controller.enqueue(chunk)
      await onChunk?.(sent)
    }
  }, { highWaterMark: 2 })
}
