/** Child processes and ports for the container tests. */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { ChildProcess } from 'node:child_process'

/** A free TCP port on loopback. */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

/** How a finished command ended and what it printed. */
export interface Run { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

/** Collect a child's output; `exited` resolves when it has ended. */
export function started (proc: ChildProcess): { exited: Promise<Run>, output: () => Run } {
  const out = { stdout: '', stderr: '' }
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => { out.stdout += chunk })
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => { out.stderr += chunk })
  const exited = new Promise<Run>(resolve => {
    proc.on('close', (code, signal) => { resolve({ code, signal, ...out }) })
  })
  return { exited, output: () => ({ code: null, signal: null, ...out }) }
}

/** Run a command to its end. */
export async function run (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return started(spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })).exited
}

/** Read a response body to its end and count its bytes. */
export async function countBytes (res: Response): Promise<number> {
  let total = 0
  for await (const chunk of res.body ?? new ReadableStream<Uint8Array>()) total += (chunk).byteLength
  return total
}
