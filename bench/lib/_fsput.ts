import { mkdir, open, rename, writeFile, rm, mkdtemp } from 'node:fs/promises'
import { writeFileSync, renameSync, openSync, writeSync, closeSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { createHash, randomBytes } from 'node:crypto'
import { base32 } from 'multiformats/bases/base32'

const N = Number(process.argv[2] ?? 256)
const CONC = Number(process.argv[3] ?? 16)
const blocks = Array.from({ length: N }, () => randomBytes(1 << 20))
const keys = blocks.map(b => base32.baseEncode(createHash('sha256').update(b).digest()))
const shard = (k: string) => k.slice(-3, -1)

type Put = (root: string, key: string, bytes: Uint8Array, i: number) => Promise<void>
const variants: Record<string, Put> = {
  current: async (root, key, bytes, i) => { const tmp = join(root, 'tmp', `${key}.${i}`); await writeFile(tmp, bytes); await rename(tmp, join(root, 'blocks', shard(key), key + '.data')) },
  fdWrite: async (root, key, bytes, i) => { const tmp = join(root, 'tmp', `${key}.${i}`); const fh = await open(tmp, 'w'); try { await fh.write(bytes) } finally { await fh.close() }; await rename(tmp, join(root, 'blocks', shard(key), key + '.data')) },
  sameDir: async (root, key, bytes, i) => { const dir = join(root, 'blocks', shard(key)); const tmp = join(dir, `.${key}.${i}.tmp`); await writeFile(tmp, bytes); await rename(tmp, join(dir, key + '.data')) },
  direct: async (root, key, bytes) => { await writeFile(join(root, 'blocks', shard(key), key + '.data'), bytes) },
  syncAll: async (root, key, bytes, i) => { const tmp = join(root, 'tmp', `${key}.${i}`); const fd = openSync(tmp, 'w'); writeSync(fd, bytes); closeSync(fd); renameSync(tmp, join(root, 'blocks', shard(key), key + '.data')) },
}

async function run (name: string, put: Put): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'fsput-'))
  mkdirSync(join(root, 'tmp')); mkdirSync(join(root, 'blocks'))
  for (const k of keys) mkdirSync(join(root, 'blocks', shard(k)), { recursive: true })
  const t0 = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: CONC }, async () => { while (next < N) { const i = next++; await put(root, keys[i]!, blocks[i]!, i) } }))
  const ms = performance.now() - t0
  await rm(root, { recursive: true, force: true })
  return N / (ms / 1000)
}
const results: Record<string, number[]> = {}
for (let r = 0; r < 7; r++) for (const [name, put] of Object.entries(variants)) (results[name] ??= []).push(await run(name, put))
for (const [name, xs] of Object.entries(results)) { xs.sort((a, b) => a - b); console.log(name.padEnd(10), 'median MiB/s', xs[3]!.toFixed(0), 'min', xs[0]!.toFixed(0), 'max', xs[6]!.toFixed(0)) }
