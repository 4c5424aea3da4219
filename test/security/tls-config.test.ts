import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../node-relay/config/load.ts'
import { loadTls } from '../../node-relay/tls/load-tls.ts'

describe('http.tls', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-tls-'))
    for (const name of ['a', 'b']) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`], { cwd: dir, stdio: 'ignore' })
    }
  })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  const configWith = async (tls: { cert: string, key: string }): ReturnType<typeof loadConfig> =>
    await loadConfig({ flags: { 'http.tls.cert': tls.cert, 'http.tls.key': tls.key } })

  it('loads a matching certificate and key', async () => {
    const material = await loadTls(await configWith({ cert: join(dir, 'a.pem'), key: join(dir, 'a.key') }))
    expect(material?.cert.toString()).toContain('BEGIN CERTIFICATE')
  })

  it('names the field for a missing file, a non-certificate and a key of another certificate', async () => {
    await expect(loadTls(await configWith({ cert: join(dir, 'nope.pem'), key: join(dir, 'a.key') }))).rejects.toThrow(/http\.tls\.cert: cannot read/)
    await expect(loadTls(await configWith({ cert: join(dir, 'a.key'), key: join(dir, 'a.key') }))).rejects.toThrow(/http\.tls\.cert: .* is not a PEM certificate/)
    await expect(loadTls(await configWith({ cert: join(dir, 'a.pem'), key: join(dir, 'b.key') }))).rejects.toThrow(/http\.tls\.key: .* is not the private key/)
  })

  it('is off unless configured', async () => {
    expect(await loadTls(await loadConfig({}))).toBeUndefined()
  })
})
