/**
 * Chromium half of bench/encryption.ts: bundles `encryption-page.ts` into a real Chromium page (IndexedDB in memory,
 * the default bench profile) and turns its timings into measurements. Goal (issue 21): each ≥ 0.5× plain.
 */
import { fileURLToPath } from 'node:url'
import { withBenchPage } from './bench-page.ts'
import type { EncryptionTimings } from './encryption-page.ts'
import type { Measurement } from '../lib/runner.ts'

const PAGE = fileURLToPath(new URL('./encryption-page.ts', import.meta.url))

/** The four Chromium rows (plain add/cat, encrypt + add, cat + decrypt) over `sizeMiB`, `runs` timed rounds each. */
export async function runBrowserEncryption (options: { sizeMiB: number, runs: number }): Promise<Measurement[]> {
  const timings = await withBenchPage([PAGE], async (page) => {
    await page.waitForFunction(() => 'encryptionBench' in globalThis)
    return page.evaluate(async (opts) => {
      const bench = (globalThis as unknown as { encryptionBench: { encryptionRounds: (o: typeof opts) => Promise<EncryptionTimings> } }).encryptionBench
      return bench.encryptionRounds(opts)
    }, { sizeMiB: options.sizeMiB, runs: options.runs, warmup: 1 })
  })
  return Object.entries(timings).map(([name, ms]) => ({ name, bytes: options.sizeMiB * 1024 * 1024, samples: ms.map(m => m / 1000) }))
}
