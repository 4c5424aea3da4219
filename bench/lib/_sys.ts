import { openSync, writeSync, closeSync, renameSync, mkdirSync, rmSync, mkdtempSync, unlinkSync, readFileSync, readSync, fstatSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { randomBytes } from 'node:crypto'
const N = 128
const buf = randomBytes(1 << 20)
const res: Record<string, number[]> = {}
function measure (name: string, fn: () => void) { const c0 = process.cpuUsage(); const t = performance.now(); fn(); const c = process.cpuUsage(c0); (res[name] ??= []).push((c.user + c.system) / 1000 / N); (res[name + ' wall'] ??= []).push((performance.now() - t) / N) }
for (let r = 0; r < 7; r++) {
  const root = mkdtempSync(join(tmpdir(), 'sys-')); mkdirSync(join(root, 'a')); mkdirSync(join(root, 'b'))
  measure('create+write+close', () => { for (let i = 0; i < N; i++) { const fd = openSync(join(root, 'a', 'f' + i), 'w'); writeSync(fd, buf); closeSync(fd) } })
  measure('rename crossdir', () => { for (let i = 0; i < N; i++) renameSync(join(root, 'a', 'f' + i), join(root, 'b', 'f' + i)) })
  measure('rename samedir', () => { for (let i = 0; i < N; i++) renameSync(join(root, 'b', 'f' + i), join(root, 'b', 'g' + i)) })
  measure('readFileSync', () => { for (let i = 0; i < N; i++) readFileSync(join(root, 'b', 'g' + i)) })
  const into = Buffer.allocUnsafeSlow(1 << 20)
  measure('read into reused', () => { for (let i = 0; i < N; i++) { const fd = openSync(join(root, 'b', 'g' + i), 'r'); readSync(fd, into, 0, into.length, 0); closeSync(fd) } })
  measure('create+close (empty)', () => { for (let i = 0; i < N; i++) { const fd = openSync(join(root, 'a', 'e' + i), 'w'); closeSync(fd) } })
  measure('unlink', () => { for (let i = 0; i < N; i++) { unlinkSync(join(root, 'b', 'g' + i)) } })
  measure('alloc1M+touch', () => { for (let i = 0; i < N; i++) { const b = Buffer.allocUnsafeSlow(1 << 20); b.set(buf) } })
  rmSync(root, { recursive: true })
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) console.log(n.padEnd(28), med(xs).toFixed(3), 'ms/op')
