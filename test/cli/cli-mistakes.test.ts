/**
 * The CLI when people get something wrong: an --api that names a reserved port or a server that is not a relay,
 * `ls` of a file, and `peers` with nobody connected, each with a clear answer and the right exit code.
 */
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { EXIT } from '../../node-relay/cli/exit.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Server } from 'node:http'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr })
    })
  })
}

let relay: TestRelay
let notARelay: Server
let notARelayUrl: string

beforeAll(async () => {
  relay = await startTestRelay()
  notARelay = createServer((_req, res) => { res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>') })
  await new Promise<void>(resolve => notARelay.listen(0, '127.0.0.1', resolve))
  const address = notARelay.address()
  notARelayUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
})

afterAll(async () => {
  await relay?.destroy()
  await new Promise(resolve => notARelay?.close(resolve))
})

describe('CLI mistakes', () => {
  it('a reserved --api port is bad input (exit 2), not an internal error', async () => {
    const { code, stderr } = await cli(['--api', 'http://127.0.0.1:1', 'id'])
    expect(code).toBe(EXIT.invalid)
    expect(stderr).toContain('reserved port')
  })

  it('a server that is not a relay is named as such (exit 4), not "not found"', async () => {
    const { code, stderr } = await cli(['--api', notARelayUrl, 'pin', 'ls'])
    expect(code).toBe(EXIT.unreachable)
    expect(stderr).toContain('does not look like an ipfs-kit relay')
    expect(stderr).not.toContain('<h1>')
  })

  it('ls of a file lists the file itself', async () => {
    const { cid } = await addBytes(relay.url, new TextEncoder().encode('just a file'))
    const { code, stdout } = await cli(['--api', relay.url, 'ls', cid])
    expect(code).toBe(0)
    expect(stdout.trim()).toBe(`${cid}  11`)
  })

  it('ls -v prints a header row and -s human sizes, as ipfs ls -v does', async () => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(3000)]), 'd/zeros.bin')
    const dir = await (await fetch(`${relay.url}/api/v1/add`, { method: 'POST', body: form })).json() as { cid: string }
    const { code, stdout } = await cli(['--api', relay.url, 'ls', '-v', '-s', dir.cid])
    expect(code).toBe(0)
    const [header, row] = stdout.trim().split('\n')
    expect(header).toMatch(/^CID\s+Size\s+Name$/)
    expect(row).toMatch(/\s2\.9 KiB\s+zeros\.bin$/)
  })

  it('cluster pin --min 2 on a one-peer cluster pins, and warns that it stays under-replicated', async () => {
    const { cid } = await addBytes(relay.url, new TextEncoder().encode('wants two copies'))
    const { code, stdout } = await cli(['--api', relay.url, 'cluster', 'pin', cid, '--min', '2'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/warning: --min 2 but only 1 peer\(s\) can hold it now/)
    const plain = await cli(['--api', relay.url, 'cluster', 'pin', cid])
    expect(plain.stdout).not.toContain('warning')
  })

  it('dag put takes JSON text and names the argument when it is not JSON (exit 2)', async () => {
    const bad = await cli(['--api', relay.url, 'dag', 'put', '{not json'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('value: not valid JSON')
    const good = await cli(['--api', relay.url, '--json', 'dag', 'put', '{"a":1}'])
    expect(good.code).toBe(0)
    expect(JSON.parse(good.stdout)).toMatchObject({ codec: 'dag-cbor', pinned: false })
  })

  it('peers with nobody connected says so', async () => {
    const { code, stdout } = await cli(['--api', relay.url, 'peers'])
    expect(code).toBe(0)
    expect(stdout).toContain('no peers connected')
  })
})
