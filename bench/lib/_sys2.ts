import { openSync, closeSync, mkdirSync, rmSync, mkdtempSync, writeSync } from 'node:fs'
import { join } from 'node:path'
const N = 256
const res: Record<string, number[]> = {}
const buf = Buffer.alloc(1 << 20, 7)
function measure (name: string, fn: () => void) { const c0 = process.cpuUsage(); fn(); const c = process.cpuUsage(c0); (res[name] ??= []).push((c.user + c.system) / 1000 / N) }
for (let r = 0; r < 7; r++) {
  for (const base of ['/tmp', '/dev/shm']) {
    const root = mkdtempSync(join(base, 'sys-')); mkdirSync(join(root, 'a'))
    measure(base + ' open w', () => { for (let i = 0; i < N; i++) closeSync(openSync(join(root, 'a', 'w' + i), 'w')) })
    measure(base + ' open wx', () => { for (let i = 0; i < N; i++) closeSync(openSync(join(root, 'a', 'x' + i), 'wx')) })
    measure(base + ' open existing r', () => { for (let i = 0; i < N; i++) closeSync(openSync(join(root, 'a', 'x' + i), 'r')) })
    measure(base + ' write 1M new', () => { for (let i = 0; i < N; i++) { const fd = openSync(join(root, 'a', 'd' + i), 'wx'); writeSync(fd, buf); closeSync(fd) } })
    rmSync(root, { recursive: true })
  }
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) console.log(n.padEnd(28), med(xs).toFixed(3), 'ms/op')
