import { createHash, randomBytes } from 'node:crypto'
const N = 256
const blocks = Array.from({ length: N }, () => randomBytes(1 << 20))
async function sync () { for (const b of blocks) createHash('sha256').update(b).digest() }
async function subtleConc (c: number) { let next = 0; await Promise.all(Array.from({ length: c }, async () => { while (next < N) { const i = next++; await crypto.subtle.digest('SHA-256', blocks[i]!) } })) }
const res: Record<string, number[]> = {}
for (let r = 0; r < 7; r++) {
  for (const [name, fn] of [['sync', sync], ['subtle1', () => subtleConc(1)], ['subtle2', () => subtleConc(2)], ['subtle4', () => subtleConc(4)], ['subtle16', () => subtleConc(16)]] as const) {
    const t = performance.now(); await fn(); (res[name] ??= []).push(N / ((performance.now() - t) / 1000))
  }
}
for (const [n, xs] of Object.entries(res)) { xs.sort((a, b) => a - b); console.log(n.padEnd(9), xs[3]!.toFixed(0), 'MiB/s', `[${xs[0]!.toFixed(0)}..${xs[6]!.toFixed(0)}]`) }
