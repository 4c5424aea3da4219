import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Server } from 'node:http'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

/**
 * A server that answers like a relay whose block fails verification mid-stream: the headers announce 1 MiB, then
 * the connection ends after 100 KiB (what the relay does when a later block turns out corrupt).
 */
function cuttingServer (): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    if (path.startsWith('/api/v1/stat/')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cid: CID, type: 'file', size: 1_048_576, local: true }))
      return
    }
    if (path.startsWith('/api/v1/cat/') || path.startsWith('/api/v1/car/')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1_048_576 })
      res.write(Buffer.alloc(100 * 1024, 1), () => { res.destroy() })
      return
    }
    res.writeHead(404).end()
  })
}

async function cli (api: string, args: string[], cwd: string): Promise<{ code: number | null, stderr: string }> {
  const child = spawn(process.execPath, [MAIN, '--api', api, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { code, stderr }
}

describe('CLI downloads cut off by the relay', () => {
  let server: Server
  let api: string
  let work: string
  beforeAll(async () => {
    server = cuttingServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    api = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
    work = await mkdtemp(join(tmpdir(), 'ipfs-kit-download-'))
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => { resolve() }))
    await rm(work, { recursive: true, force: true })
  })

  for (const args of [['get', CID, '-o', 'out.bin'], ['car', 'export', CID, '-o', 'out.bin']]) {
    it(`${args.slice(0, 2).join(' ')}: exits 5, leaves no partial file and no crash`, async () => {
      const run = await cli(api, args, work)
      expect(run.code).toBe(5)
      expect(run.stderr).toMatch(/ERR_TRUNCATED/)
      expect(run.stderr).not.toMatch(/ERR_STREAM_DESTROYED|Unhandled|at .*\.ts:\d+/)
      expect(await readdir(work)).toEqual([])
    })
  }
})
