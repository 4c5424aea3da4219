/**
 * The CLI against a relay serving HTTPS with a certificate from a private CA (trusted through `NODE_EXTRA_CA_CERTS`,
 * as an operator would): `add` streams the file through `node:https`, `cat` reads it back through `fetch`, and
 * without the CA the upload fails as a connection error, not as a hang or a wrong answer.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { makeCertificates } from '../support/certificates.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function cli (args: string[], env: Record<string, string>): Promise<{ code: number | null, stdout: Buffer, stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout: Buffer.concat(out), stderr }
}

describe('CLI uploads over HTTPS', () => {
  let work: string
  let ca: string
  let relay: TestRelay

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ipfs-kit-https-cli-'))
    const files = await makeCertificates(work)
    ca = files.ca
    relay = await startTestRelay({ 'http.tls': { cert: files.cert, key: files.key } })
  })
  afterAll(async () => {
    await relay.destroy()
    await rm(work, { recursive: true, force: true })
  })

  it('adds a file through node:https and reads the same bytes back', async () => {
    expect(relay.url.startsWith('https://')).toBe(true)
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256
    const file = join(work, 'data.bin')
    await writeFile(file, bytes)
    const added = await cli(['--api', relay.url, '--json', 'add', file], { NODE_EXTRA_CA_CERTS: ca })
    expect(added.code, added.stderr).toBe(0)
    const { cid } = JSON.parse(added.stdout.toString()) as { cid: string }
    const read = await cli(['--api', relay.url, 'cat', cid], { NODE_EXTRA_CA_CERTS: ca })
    expect(read.code, read.stderr).toBe(0)
    expect(read.stdout.equals(bytes)).toBe(true)
  })

  it('without the CA the upload fails as unreachable (exit 4), naming the relay and how to trust its CA', async () => {
    const file = join(work, 'small.txt')
    await writeFile(file, 'hello over tls\n')
    const refused = await cli(['--api', relay.url, 'add', file], {})
    expect(refused.code).not.toBe(0)
    expect(refused.code).toBe(4)
    expect(refused.stderr).toContain(new URL(relay.url).origin)
    expect(refused.stderr).toContain('NODE_EXTRA_CA_CERTS')
  })
})
