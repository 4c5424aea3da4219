import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function run (args: string[]): Promise<string> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
  await new Promise(resolve => child.once('close', resolve))
  return out
}

describe('secrets never reach logs, errors, /health or the audit log', () => {
  it('keeps API keys out of a trace-level log, error answers, /health and the audit files', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-secrets-'))
    try {
      const { key } = JSON.parse(await run(['--json', 'keys', 'create', '--name', 'ops', '--role', 'admin', '--data-dir', dataDir])) as { key: string }
      const secret = key.slice(14)
      const wrong = `ik_0000000000_${'s'.repeat(40)}`
      const relay = spawn(process.execPath, [MAIN, 'start', '--data-dir', dataDir, '--port', '0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--log-level', 'trace'], { stdio: ['ignore', 'pipe', 'pipe'] })
      let log = ''
      relay.stdout.on('data', (chunk: Buffer) => { log += chunk.toString() })
      relay.stderr.on('data', (chunk: Buffer) => { log += chunk.toString() })
      const url = await new Promise<string>(resolve => {
        const check = (): void => { const match = /http\s+(http:\/\/\S+)/.exec(log); if (match?.[1] !== undefined) resolve(match[1]) }
        relay.stderr.on('data', check)
      })
      const answers: string[] = []
      for (const authorization of [`Bearer ${key}`, `Bearer ${wrong}`, `Basic ${key}`]) {
        for (const [method, path] of [['GET', '/api/v1/pins'], ['POST', '/api/v1/add'], ['GET', '/health'], ['GET', '/metrics'], ['POST', '/mcp']]) {
          const res = await fetch(`${url}${path ?? ''}`, { method, headers: { authorization, 'content-type': 'application/octet-stream' }, ...method === 'POST' ? { body: 'x' } : {} })
          answers.push(await res.text())
        }
      }
      relay.kill('SIGTERM')
      await new Promise(resolve => relay.once('close', resolve))
      const audit = (await Promise.all((await readdir(join(dataDir, 'audit'))).map(async f => readFile(join(dataDir, 'audit', f), 'utf8')))).join('')
      expect(log.length).toBeGreaterThan(1000) // trace logging did log the requests
      for (const [where, text] of [['log', log], ['answers', answers.join('\n')], ['audit', audit]] as const) {
        expect(text, where).not.toContain(secret)
        expect(text, where).not.toContain('s'.repeat(40))
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    }
  }, 60_000)
})
