import { fileURLToPath } from 'node:url'
import { withBenchPage } from './bench-page.ts'
await withBenchPage([fileURLToPath(new URL('./idb-page.ts', import.meta.url))], async page => {
  await page.waitForFunction(() => (globalThis as any).idbBench !== undefined)
  for (let i = 0; i < 4; i++) {
    try {
      const t = await page.evaluate(async () => (globalThis as any).idbBench.heliaAdd({ sizeMiB: 64 }))
      const est = await page.evaluate(async () => navigator.storage.estimate())
      console.log(i, Math.round(t.bytes / 1e3 / t.ms), 'MB/s', JSON.stringify(est))
    } catch (e) { console.log(i, String(e).slice(0, 300)); break }
  }
})
