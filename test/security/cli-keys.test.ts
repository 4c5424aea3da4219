import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function cli (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout, stderr }
}

describe('ipfs-kit keys', () => {
  const dirs: string[] = []
  afterAll(async () => { await Promise.all(dirs.map(async dir => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }))) })

  it('creates the first key on a stopped relay, which then demands it; revokes through the API', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-keys-'))
    dirs.push(dataDir)
    const created = await cli(['--json', 'keys', 'create', '--name', 'ops', '--role', 'admin', '--data-dir', dataDir])
    expect(created.code, created.stderr).toBe(0)
    const { key, info } = JSON.parse(created.stdout) as { key: string, info: { id: string, role: string } }
    expect(key).toMatch(/^ik_[a-z0-9]{10}_/)
    expect(info.role).toBe('admin')

    const relay = await startTestRelay({}, dataDir)
    try {
      const denied = await cli(['--api', relay.url, 'pin', 'ls'])
      expect(denied.code).toBe(7)
      expect(denied.stderr).toContain('ERR_UNAUTHORIZED')
      expect(denied.stderr).not.toContain(key)
      const listed = await cli(['--api', relay.url, '--json', 'keys', 'ls'], { IPFS_KIT_API_KEY: key })
      expect(listed.code, listed.stderr).toBe(0)
      expect(listed.stdout).not.toContain(key.slice(14))
      const reader = await cli(['--api', relay.url, '--key', key, '--json', 'keys', 'create', '--name', 'ci', '--role', 'reader', '--ttl', '1d'])
      expect(reader.code, reader.stderr).toBe(0)
      const readerKey = (JSON.parse(reader.stdout) as { key: string, info: { id: string } })
      expect((await cli(['--api', relay.url, '--key', readerKey.key, 'pin', 'ls'])).code).toBe(0)
      const revoked = await cli(['--api', relay.url, '--key', key, 'keys', 'revoke', readerKey.info.id])
      expect(revoked.code, revoked.stderr).toBe(0)
      expect((await cli(['--api', relay.url, '--key', readerKey.key, 'pin', 'ls'])).code).toBe(7)
    } finally {
      await relay.stop()
    }
  })

  it('refuses a key create on a data directory a running relay holds', async () => {
    const relay = await startTestRelay()
    try {
      const run = await cli(['keys', 'create', '--name', 'x', '--data-dir', relay.dataDir])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toMatch(/in use/)
    } finally {
      await relay.destroy()
    }
  })
})
