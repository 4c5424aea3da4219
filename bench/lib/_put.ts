import { writeFile, rename } from 'node:fs/promises'
import * as fs from 'node:fs'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { randomBytes, createHash } from 'node:crypto'
import { base32 } from 'multiformats/bases/base32'
const N = 128, CONC = Number(process.argv[2] ?? 16)
const blocks = Array.from({ length: N }, () => randomBytes(1 << 20))
const keys = blocks.map(b => base32.baseEncode(createHash('sha256').update(b).digest()))
const shard = (k: string) => k.slice(-3, -1)
const cbWriteFile = (p: string, b: Uint8Array) => new Promise<void>((res, rej) => fs.writeFile(p, b, e => e ? rej(e) : res()))
const cbRename = (a: string, b: string) => new Promise<void>((res, rej) => fs.rename(a, b, e => e ? rej(e) : res()))
const cbOpen = (p: string) => new Promise<number>((res, rej) => fs.open(p, 'wx', 0o644, (e, fd) => e ? rej(e) : res(fd)))
const cbWrite = (fd: number, b: Uint8Array) => new Promise<number>((res, rej) => fs.write(fd, b, 0, b.byteLength, null, (e, n) => e ? rej(e) : res(n)))
const cbClose = (fd: number) => new Promise<void>((res, rej) => fs.close(fd, e => e ? rej(e) : res()))
type Put = (root: string, key: string, b: Uint8Array, i: number) => Promise<void>
const variants: Record<string, Put> = {
  promises: async (root, key, b, i) => { const t = join(root, 'tmp', `${key}.${i}`); await writeFile(t, b); await rename(t, join(root, 'blocks', shard(key), key + '.data')) },
  cbWriteFile: async (root, key, b, i) => { const t = join(root, 'tmp', `${key}.${i}`); await cbWriteFile(t, b); await cbRename(t, join(root, 'blocks', shard(key), key + '.data')) },
  cbManual: async (root, key, b, i) => { const t = join(root, 'tmp', `${key}.${i}`); const fd = await cbOpen(t); try { let o = 0; while (o < b.byteLength) o += await cbWrite(fd, b.subarray(o)) } finally { await cbClose(fd) } await cbRename(t, join(root, 'blocks', shard(key), key + '.data')) },
}
const res: Record<string, number[]> = {}
for (let r = 0; r < 15; r++) for (const [name, put] of Object.entries(variants)) {
  const root = mkdtempSync(join(tmpdir(), 'put-')); mkdirSync(join(root, 'tmp')); for (const k of keys) mkdirSync(join(root, 'blocks', shard(k)), { recursive: true })
  const c0 = process.cpuUsage(); const t = performance.now(); let next = 0
  await Promise.all(Array.from({ length: CONC }, async () => { while (next < N) { const i = next++; await put(root, keys[i]!, blocks[i]!, i) } }))
  const c = process.cpuUsage(c0); (res[name] ??= []).push((performance.now() - t) / N); (res[name + '.cpu'] ??= []).push((c.user + c.system) / 1000 / N)
  rmSync(root, { recursive: true })
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) console.log(n.padEnd(16), med(xs).toFixed(3), 'ms/block')
