import { createHash, randomBytes } from 'node:crypto'
const N = 64
const blocks = Array.from({ length: N }, () => randomBytes(1 << 20))
const res: Record<string, number[]> = {}
async function measure (name: string, fn: () => Promise<void>) {
  const c0 = process.cpuUsage(); const t = performance.now(); await fn(); const c1 = process.cpuUsage(c0)
  ;(res[name] ??= []).push((c1.user + c1.system) / 1000 / N); (res[name + ' wall'] ??= []).push((performance.now() - t) / N)
}
async function conc (c: number, f: (b: Uint8Array) => Promise<unknown>) { let next = 0; await Promise.all(Array.from({ length: c }, async () => { while (next < N) { const i = next++; await f(blocks[i]!) } })) }
for (let r = 0; r < 9; r++) {
  await measure('sync', async () => { for (const b of blocks) createHash('sha256').update(b).digest() })
  for (const c of [1, 2, 4, 16]) await measure('subtle' + c, async () => conc(c, b => crypto.subtle.digest('SHA-256', b)))
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) console.log(n.padEnd(16), med(xs).toFixed(3), 'ms/MiB')
