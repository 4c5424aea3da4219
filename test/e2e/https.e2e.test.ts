/**
 * HTTPS and WSS end to end: a test CA signs a certificate for 127.0.0.1, the relay serves its API, the PWA and its
 * libp2p WebSocket listener (`/tls/ws`) with it, and Debian Chromium, trusting that certificate, loads the PWA over
 * https, connects to the relay through WSS (mixed content would block plain ws) and forms a WebRTC connection
 * between two tabs through it.
 */
import { createHash, X509Certificate } from 'node:crypto'
import { get } from 'node:https'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.ts'
import { startTestRelay } from '../relay/support.ts'
import { makeCertificates } from '../support/certificates.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Browser, Page } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

let work: string
let relay: TestRelay
let browser: Browser
let ca: Buffer

/** Chromium trusts a certificate whose public key hash it is given (its own pinning flag; no system store needed). */
function spkiHash (pem: Buffer): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('base64')
}

async function httpsStatus (url: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    get(url, { ca }, res => { res.resume(); resolve(res.statusCode ?? 0) }).on('error', reject)
  })
}

async function openPwa (page: Page): Promise<void> {
  await page.goto(`${relay.url}/#network`)
  await page.locator('.pill.ok').waitFor({ timeout: 60_000 })
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ipfs-kit-https-'))
  const files = await makeCertificates(work)
  ca = await readFile(files.ca)
  const outDir = join(work, 'app')
  await build({ configFile: join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } })
  process.env.IPFS_KIT_APP_DIR = outDir
  try {
    relay = await startTestRelay({
      'http.tls': { cert: files.cert, key: files.key },
      'libp2p.listen': ['/ip4/127.0.0.1/tcp/0/tls/ws', '/ip4/127.0.0.1/tcp/0']
    })
  } finally {
    delete process.env.IPFS_KIT_APP_DIR
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spkiHash(await readFile(files.cert))}`]
  })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await relay?.destroy()
  if (work !== undefined) await rm(work, { recursive: true, force: true })
}, 60_000)

describe('the relay over HTTPS and WSS', () => {
  it('serves HTTPS with the configured certificate and announces only a secure WebSocket', async () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(await httpsStatus(`${relay.url}/health`)).toBe(200)
    const ws = relay.service.id().addresses.filter(a => a.includes('/ws'))
    expect(ws.length).toBeGreaterThan(0)
    for (const addr of ws) expect(addr).toContain('/tls/ws')
  })

  it('loads the PWA over https in Chromium, reaches the relay through WSS, and two tabs connect over WebRTC', async () => {
    const [first, second] = await Promise.all([browser.newContext(), browser.newContext()])
    const [a, b] = await Promise.all([first.newPage(), second.newPage()])
    try {
      await openPwa(a)
      await openPwa(b)
      expect(await a.evaluate(() => location.protocol)).toBe('https:')
      await Promise.all([
        a.locator('.kind-webrtc').first().waitFor({ timeout: 90_000 }),
        b.locator('.kind-webrtc').first().waitFor({ timeout: 90_000 })
      ])
    } finally {
      await first.close()
      await second.close()
    }
  }, 240_000)
})
