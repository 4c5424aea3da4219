import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appFreshness } from '../../scripts/app-freshness.ts'

describe('prestart rebuilds the app only when it is stale', () => {
  let root = ''
  const at = async (path: string, seconds: number): Promise<void> => {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), path)
    await utimes(join(root, path), seconds, seconds)
  }
  const check = async (): Promise<{ stale: boolean, reason: string }> => appFreshness({ root, outDir: join(root, 'dist'), sources: ['app', 'core', 'vite.config.ts'], outputs: ['index.html', 'sw.js'] })

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ipfs-kit-freshness-'))
    await at('app/ui/App.svelte', 1_000)
    await at('core/content/store.ts', 1_000)
    await at('vite.config.ts', 1_000)
  })
  afterEach(async () => { await rm(root, { recursive: true, force: true }) })

  it('builds when nothing is built yet', async () => {
    expect(await check()).toEqual({ stale: true, reason: 'index.html is not built yet' })
  })

  it('builds when one output is missing', async () => {
    await at('dist/index.html', 2_000)
    expect((await check()).stale).toBe(true)
  })

  it('skips the build when every output is newer than every source', async () => {
    await at('dist/index.html', 2_000)
    await at('dist/sw.js', 2_000)
    expect((await check()).stale).toBe(false)
  })

  it('builds when a source deep in a directory changed after the build, and names it', async () => {
    await at('dist/index.html', 2_000)
    await at('dist/sw.js', 2_000)
    await at('core/content/store.ts', 3_000)
    expect(await check()).toEqual({ stale: true, reason: 'core/content/store.ts changed since the last build' })
  })

  it('builds when a source is newer than the oldest output (a build cut short)', async () => {
    await at('dist/index.html', 2_000)
    await at('dist/sw.js', 4_000)
    await at('vite.config.ts', 3_000)
    expect((await check()).stale).toBe(true)
  })
})
