import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { Server } from 'node:net'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function occupy (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

async function start (args: string[]): Promise<{ code: number | null, stderr: string, ms: number }> {
  const began = Date.now()
  const child = spawn(process.execPath, [MAIN, 'start', ...args, '--log-level', 'silent'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, 45_000)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  return { code, stderr, ms: Date.now() - began }
}

describe('a failed start releases everything and exits', () => {
  const dirs: string[] = []
  const fresh = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-start-'))
    dirs.push(dir)
    return dir
  }
  afterAll(async () => { await Promise.all(dirs.map(async dir => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }))) })

  it('exits non-zero at once when the HTTP port is taken, says so, and leaves the data dir usable', async () => {
    const taken = await occupy()
    const dataDir = await fresh()
    try {
      const run = await start(['--data-dir', dataDir, '--port', String(taken.port), '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
      expect(run.code).not.toBe(0)
      expect(run.code).not.toBeNull() // exited by itself, not killed by the test's timer
      expect(run.stderr).toMatch(/cannot listen on .*:\d+: another process uses it/)
    } finally {
      taken.server.close()
    }
    const relay = await startTestRelay({}, dataDir) // the repo lock was released
    await relay.stop()
  }, 60_000)

  it('exits when a libp2p listen port is taken', async () => {
    const taken = await occupy()
    try {
      const run = await start(['--data-dir', await fresh(), '--port', '0', '--listen', `/ip4/127.0.0.1/tcp/${taken.port}`])
      expect(run.code).not.toBe(0)
      expect(run.code).not.toBeNull()
    } finally {
      taken.server.close()
    }
  }, 60_000)

  it('exits when the store cannot be opened', async () => {
    const dataDir = await fresh()
    await mkdir(dataDir, { recursive: true })
    await writeFile(join(dataDir, 'blocks'), 'a file where the block directory should be')
    const run = await start(['--data-dir', dataDir, '--port', '0', '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    expect(run.code).not.toBe(0)
    expect(run.code).not.toBeNull()
  }, 60_000)

  it('in process: a start that fails on its HTTP port frees the repo lock and the libp2p ports', async () => {
    const taken = await occupy()
    const dataDir = await fresh()
    try {
      await expect(startTestRelay({ 'http.port': taken.port }, dataDir)).rejects.toThrow()
    } finally {
      taken.server.close()
    }
    const relay = await startTestRelay({}, dataDir)
    await relay.stop()
  }, 60_000)
})
