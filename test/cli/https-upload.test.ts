/**
 * The CLI against a relay serving HTTPS with a certificate from a private CA (trusted through `NODE_EXTRA_CA_CERTS`,
 * as an operator would): `add` streams the file through `node:https`, `cat` reads it back through `fetch`, and
 * without the CA the upload fails as a connection error, not as a hang or a wrong answer.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { makeCertificates } from '../support/certificates.ts'
import { runCli } from '../support/surfaces.ts'
import type { TestRelay } from '../relay/support.ts'

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
    const added = await runCli(relay.url, ['--json', 'add', file], { NODE_EXTRA_CA_CERTS: ca })
    expect(added.exit, added.stderr).toBe(0)
    const { cid } = JSON.parse(added.stdout) as { cid: string }
    const read = await runCli(relay.url, ['cat', cid], { NODE_EXTRA_CA_CERTS: ca })
    expect(read.exit, read.stderr).toBe(0)
    expect(read.stdoutBytes.equals(bytes)).toBe(true)
  })

  it('without the CA the upload fails as unreachable (exit 4), naming the relay and how to trust its CA', async () => {
    const file = join(work, 'small.txt')
    await writeFile(file, 'hello over tls\n')
    const refused = await runCli(relay.url, ['add', file])
    expect(refused.exit).toBe(4)
    expect(refused.stderr).toContain(new URL(relay.url).origin)
    expect(refused.stderr).toContain('NODE_EXTRA_CA_CERTS')
  })
})
