/**
 * The CLI and REST as tests use them against a running relay: the real `ipfs-kit` entry point in a child process
 * (`--api <url>`), and a JSON request with its status. One copy for every surface test.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The CLI's entry point (run with the test's own Node, as `ipfs-kit` runs it). */
export const CLI_MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

/**
 * Run `ipfs-kit --api <api> ...args`, with `env` added to the test's environment; resolves with its exit code and what
 * it printed (`stdoutBytes` for binary output such as `cat`).
 */
export async function runCli (api: string, args: string[], env: Record<string, string> = {}): Promise<{ exit: number | null, stdout: string, stdoutBytes: Buffer, stderr: string }> {
  const child = spawn(process.execPath, [CLI_MAIN, '--api', api, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const exit = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const stdoutBytes = Buffer.concat(out)
  return { exit, stdout: stdoutBytes.toString(), stdoutBytes, stderr: Buffer.concat(err).toString() }
}

/** Run `ipfs-kit --api <api> --json ...args` and parse what it printed (an answer, or `{ error }`). */
export async function runCliJson (api: string, args: string[]): Promise<{ exit: number | null, json: Record<string, unknown> }> {
  const { exit, stdout, stderr } = await runCli(api, ['--json', ...args])
  try {
    return { exit, json: JSON.parse(stdout) as Record<string, unknown> }
  } catch {
    throw new Error(`ipfs-kit ${args.join(' ')} printed no JSON (exit ${String(exit)}): ${stdout}${stderr}`)
  }
}

/** A REST call with an optional JSON body; resolves with the status and the parsed JSON answer. */
export async function restJson (base: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
  return { status: res.status, json: await res.json() as Record<string, unknown> }
}
