/**
 * The Models & Datasets view in Chromium, served by a real relay from the built app: it lists what the registry
 * holds, shows a model's versions with its alias history, moves an alias, draws the lineage graph, and previews a
 * dataset's rows.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { launchChromium } from './support/browser-peers.ts'
import { writeParquet } from '../support/parquet-writer.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Browser } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
let outDir: string
let relay: TestRelay
let browser: Browser

async function addDirectory (files: Record<string, string | Uint8Array>): Promise<string> {
  const form = new FormData()
  for (const [name, content] of Object.entries(files)) form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name)
  return (await (await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })).json() as { cid: string }).cid
}

async function post (path: string, body: unknown): Promise<void> {
  const res = await fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-pwa-registry-'))
  await build({ configFile: join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } })
  process.env.IPFS_KIT_APP_DIR = outDir
  try {
    relay = await startTestRelay()
  } finally {
    delete process.env.IPFS_KIT_APP_DIR
  }
  const data = await addDirectory({ 'train.parquet': writeParquet([{ name: 'id', type: 'int32', values: [1, 2, 3] }, { name: 'text', type: 'string', values: ['first row', 'second row', 'third row'] }]) })
  await post('/api/v1/datasets/corpus/versions', { cid: data })
  await post('/api/v1/models/tiny/versions', { cid: await addDirectory({ 'model.onnx': 'one' }), alias: 'production' })
  await post('/api/v1/models/tiny/versions', { cid: await addDirectory({ 'model.onnx': 'two' }), inputs: ['train-data=corpus@1'] })
  await post('/api/v1/models/tiny/aliases/production', { version: 2 })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await relay?.destroy()
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true })
}, 60_000)

describe('Models & Datasets view', () => {
  it('shows versions with the alias history, the lineage graph and a dataset preview', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${relay.url}/#registry`)
      const model = page.locator('[data-testid="registry-entries"] li[data-entry="model/tiny"]')
      await model.waitFor({ timeout: 30_000 })
      expect(await model.textContent()).toContain('@production → 2')
      await model.locator('button').click()
      await page.locator('[data-testid="registry-versions"] li[data-version="2"]').waitFor()
      expect(await page.locator('[data-testid="registry-alias-history"]').textContent()).toContain('v1 → v2')
      await page.locator('[data-testid="registry-lineage"] [data-node="dataset/corpus@1"]').waitFor()
      expect(await page.locator('[data-testid="registry-lineage"] [data-node]').count()).toBe(2)

      // promote version 1 back to production from the view: the relay records the move
      await page.locator('[data-testid="registry-versions"] li[data-version="1"] [data-testid="registry-move-alias"]').click()
      await page.locator('[data-testid="registry-alias-history"]', { hasText: 'v1 → v2 → v1' }).waitFor()
      const resolved = await (await fetch(`${relay.url}/api/v1/models/tiny@production`)).json() as { resolved: { version: number } }
      expect(resolved.resolved.version).toBe(1)

      await page.locator('li[data-entry="dataset/corpus"] button').click()
      const cells = page.locator('[data-testid="registry-preview"] tbody tr')
      await cells.first().waitFor()
      expect(await cells.count()).toBe(3)
      expect(await cells.nth(1).textContent()).toContain('second row')
      await page.screenshot({ path: join(ROOT, 'test-results', 'screenshots', 'registry-1280.png'), fullPage: true }).catch(() => undefined)
    } finally {
      await context.close()
    }
  }, 90_000)
})
