import { fileURLToPath } from 'node:url'
import { withBenchPage } from './bench-page.ts'
await withBenchPage([fileURLToPath(new URL('./tmp-probe-page.ts', import.meta.url))], async page => {
  await page.waitForFunction(() => (globalThis as any).probe !== undefined)
  console.log('bytes 8', await page.evaluate(async () => (globalThis as any).probe(8, 'bytes')))
  console.log('blob 8', await page.evaluate(async () => (globalThis as any).probe(8, 'blob')))
})
