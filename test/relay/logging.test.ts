import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { TimeoutError } from '../../core/errors/index.ts'
import { errorLogLevel, logErrorAnswer } from '../../node-relay/http/error-log.ts'
import { resolveLogFormat } from '../../node-relay/log/log-format.ts'
import { prettyLine } from '../../node-relay/log/pretty-line.ts'
import type { FastifyBaseLogger } from 'fastify'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

/** Run `ipfs-kit start` with `flags`, make `requests` once it is ready, stop it, and return what it wrote to stderr. */
async function startAndCapture (flags: string[], requests: (url: string) => Promise<void>): Promise<{ ready: string, after: string, stderr: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-logging-'))
  const proc = spawn(process.execPath, [MAIN, 'start', '--data-dir', dataDir, '--port', '0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--offline', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  proc.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  const exited = new Promise<void>(resolve => { proc.on('exit', () => { resolve() }) })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      proc.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        const match = /^ {2}http\s+(http:\/\/\S+)/m.exec(stderr)
        if (match?.[1] !== undefined && stderr.includes('  data ')) resolve(match[1])
      })
      void exited.then(() => { reject(new Error(`relay exited before it was ready:\n${stderr}`)) })
    })
    const readyLength = stderr.indexOf('\n', stderr.indexOf('  data ')) + 1
    await requests(url)
    await new Promise(resolve => setTimeout(resolve, 300))
    const after = stderr.slice(readyLength)
    proc.kill('SIGTERM')
    await exited
    expect(stdout).toBe('') // stdout stays free for whoever pipes it
    return { ready: stderr.slice(0, readyLength), after, stderr }
  } finally {
    proc.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}

function jsonLines (text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as Record<string, unknown>)
}

describe('relay logs', () => {
  const dirs: string[] = []
  afterAll(async () => { await Promise.all(dirs.map(async d => rm(d, { recursive: true, force: true }))) })

  it('ipfs-kit start prints its ready block, then only the errors that happen: with code and request id, no stack, no per-request lines', async () => {
    let reqId = ''
    const { ready, after } = await startAndCapture(['--log-format', 'json', '--log-level', 'info'], async (url) => {
      for (let i = 0; i < 3; i++) expect((await fetch(`${url}/health`)).status).toBe(200)
      const missing = await fetch(`${url}/api/v1/cat/not-a-cid`)
      expect(missing.status).toBe(400)
      reqId = missing.headers.get('x-request-id') ?? ''
    })
    expect(ready).toMatch(/^ipfs-kit relay ready\n/)
    const lines = jsonLines(after)
    expect(lines.map(l => l.msg).filter(m => m !== 'request failed')).toEqual([])
    const [failure] = lines
    expect(failure).toMatchObject({ level: 30, code: 'ERR_INVALID_CID', status: 400, reqId })
    expect(reqId).not.toBe('')
    expect(JSON.stringify(failure)).not.toMatch(/stack|\bat .*\.ts:\d+/)
    expect(after).not.toMatch(/Server listening|incoming request|request completed/)
  })

  it('at debug, every request gets one line; with --log-format pretty they read as text', async () => {
    const { after } = await startAndCapture(['--log-format', 'pretty', '--log-level', 'debug'], async (url) => {
      await fetch(`${url}/health`)
    })
    expect(after).toMatch(/^\d\d:\d\d:\d\d\.\d{3} DEBUG request completed method=GET route=\/health status=200 ms=\d+ reqId=req-\w+$/m)
    expect(after).not.toMatch(/^\{/m)
  })

  it('a request slower than http.slowRequestMs is a warning, with its url', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-logging-config-'))
    dirs.push(dir)
    await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { slowRequestMs: 1 } }))
    const { after } = await startAndCapture(['--log-format', 'json', '--config', join(dir, 'config.json')], async (url) => {
      await fetch(`${url}/metrics`)
    })
    expect(jsonLines(after).find(l => l.msg === 'slow request')).toMatchObject({ level: 40, method: 'GET', route: '/metrics', url: '/metrics', status: 200 })
  })
})

describe('error log levels', () => {
  function capture (): { log: FastifyBaseLogger, lines: Array<{ level: string, fields: Record<string, unknown>, msg: string }> } {
    const lines: Array<{ level: string, fields: Record<string, unknown>, msg: string }> = []
    const at = (level: string) => (fields: Record<string, unknown>, msg: string) => { lines.push({ level, fields, msg }) }
    const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as FastifyBaseLogger
    return { log, lines }
  }

  it('logs a timeout at warn without its stack, a client mistake at info, a bug at error with the stack', () => {
    const { log, lines } = capture()
    logErrorAnswer(log, new TimeoutError('no provider answered in time'), 504, 'ERR_TIMEOUT', 'request failed')
    logErrorAnswer(log, new Error('bad'), 400, 'ERR_INVALID_INPUT', 'request failed')
    const bug = new TypeError('undefined is not a function')
    logErrorAnswer(log, bug, 500, 'ERR_INTERNAL', 'request failed')
    expect(lines.map(l => l.level)).toEqual(['warn', 'info', 'error'])
    expect(lines[0]?.fields).toEqual({ code: 'ERR_TIMEOUT', status: 504, error: 'no provider answered in time' })
    expect(lines[2]?.fields).toMatchObject({ code: 'ERR_INTERNAL', status: 500, err: bug })
  })

  it('chooses levels by status and code', () => {
    expect(errorLogLevel(499, 'ERR_ABORTED')).toBe('debug')
    expect(errorLogLevel(404, 'ERR_NOT_FOUND')).toBe('info')
    expect(errorLogLevel(503, 'ERR_BACKEND_UNAVAILABLE')).toBe('warn')
    expect(errorLogLevel(507, 'ERR_NO_SPACE')).toBe('warn')
    expect(errorLogLevel(502, 'ERR_BLOCK_CORRUPT')).toBe('error')
    expect(errorLogLevel(500, 'ERR_INTERNAL')).toBe('error')
  })
})

describe('log formats', () => {
  it('auto is pretty on a terminal and JSON otherwise', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty')
    expect(resolveLogFormat('auto', false)).toBe('json')
    expect(resolveLogFormat('json', true)).toBe('json')
    expect(resolveLogFormat('pretty', false)).toBe('pretty')
  })

  it('a pretty line has the time, level, message, fields, request id, and an error\'s stack indented', () => {
    const time = Date.UTC(2026, 0, 2, 3, 4, 5, 6)
    expect(prettyLine(JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', reqId: 'req-3', msg: 'slow request', status: 200, url: '/a b' })))
      .toBe('03:04:05.006 WARN  slow request status=200 url="/a b" reqId=req-3\n')
    const line = prettyLine(JSON.stringify({ level: 50, time, msg: 'request failed', code: 'ERR_INTERNAL', err: { message: 'x', stack: 'Error: x\n    at f (a.ts:1:1)' } }))
    expect(line).toBe('03:04:05.006 ERROR request failed code=ERR_INTERNAL\n    Error: x\n        at f (a.ts:1:1)\n')
    expect(prettyLine('not json')).toBe('not json\n')
  })
})
