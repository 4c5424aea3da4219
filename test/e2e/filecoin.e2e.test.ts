/**
 * The Filecoin panel of the Storage view in Chromium, served by a real relay from the built app: the relay has a
 * `filecoin` backend on the Synapse SDK's mocks (msw, in this process) and chain analytics from the Lotus JSON-RPC
 * fake; the panel shows the chain head, the wallet's balances, the providers with their scores and a stored root's
 * copies with their proof states.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Mocks from '@filoz/synapse-core/mocks'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes, startTestRelay } from '../relay/support.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { startLotusFake } from '../support/lotus-fake.ts'
import { START_EPOCH, startSynapseProviders } from '../support/synapse-providers.ts'
import { launchChromium } from './support/browser-peers.ts'
import type { TestRelay } from '../relay/support.ts'
import type { LotusFake } from '../support/lotus-fake.ts'
import type { SynapseProviders } from '../support/synapse-providers.ts'
import type { Browser } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const KEY_ENV = 'IPFS_KIT_TEST_FILECOIN_KEY'
let outDir: string
let relay: TestRelay
let browser: Browser
let providers: SynapseProviders
let lotus: LotusFake
let cid: string

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-pwa-filecoin-'))
  await build({ configFile: join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } })
  providers = startSynapseProviders({ thirdProvider: true })
  providers.chain.epoch = START_EPOCH
  lotus = await startLotusFake()
  process.env[KEY_ENV] = Mocks.PRIVATE_KEYS.key1
  process.env.IPFS_KIT_APP_DIR = outDir
  try {
    relay = await startTestRelay({
      'filecoin.rpcUrl': lotus.url,
      'storage.backends': [{ kind: 'local', name: 'local' }, { kind: 'filecoin', name: 'fil', privateKeyEnv: KEY_ENV, copies: 2, deny: ['3'], checkIntervalMs: 0 }]
    })
  } finally {
    delete process.env.IPFS_KIT_APP_DIR
  }
  cid = (await addBytes(relay.url, pseudoRandomBytes(150_000, 31))).cid
  const placed = await fetch(`${relay.url}/api/v1/storage/${cid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['fil'] }) })
  if (!placed.ok) throw new Error(`placing on fil: ${placed.status} ${await placed.text()}`)
  // the copies' proof states as the PDP verifier (the SDK mocks) has them now
  await fetch(`${relay.url}/api/v1/filecoin/copies?check=true`)
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await relay?.destroy()
  await lotus?.stop()
  providers?.stop()
  Reflect.deleteProperty(process.env, KEY_ENV)
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true })
}, 60_000)

describe('Storage view: Filecoin panel', () => {
  it('shows the chain head, wallet balances, providers with scores and copies with their states', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${relay.url}/#storage`)
      const panel = page.locator('[data-testid="filecoin-panel"]')
      await panel.waitFor({ timeout: 30_000 })
      const status = await (await fetch(`${relay.url}/api/v1/filecoin/status`)).json() as { chain: { height: number } }
      await panel.locator('[data-testid="filecoin-height"]', { hasText: String(status.chain.height) }).waitFor()
      // the SDK mocks' account: 500 USDFC deposited
      expect(await panel.locator('[data-testid="filecoin-deposit"]').textContent()).toBe('500')
      const rows = panel.locator('[data-testid="filecoin-providers"] li')
      await rows.nth(2).waitFor()
      expect(await rows.count()).toBe(3)
      expect(await panel.locator('li[data-provider="3"]').textContent()).toContain('on the deny list')
      expect(await panel.locator('li[data-provider="1"]').textContent()).toMatch(/score \d\.\d{3}/)
      const root = panel.locator(`[data-testid="filecoin-copies"] li[data-root="${cid}"]`)
      await root.waitFor()
      expect(await root.textContent()).toContain('2/2 healthy')
      expect(await root.locator('[data-state="proving"]').count()).toBe(2)
      await page.screenshot({ path: join(ROOT, 'test-results', 'screenshots', 'filecoin-1280.png'), fullPage: true }).catch(() => undefined)
    } finally {
      await context.close()
    }
  }, 90_000)
})
