import { createHash } from 'node:crypto'
import { ensureDataFile, freshTempDir, readData } from './data.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
const sizeMiB = 64
const path = await ensureDataFile(sizeMiB * 1_048_576)
const blocks: Uint8Array[] = []
for await (const c of readData(path)) blocks.push(c as Uint8Array)
const cids = await Promise.all(blocks.map(async b => CID.createV1(raw.code, await sha256.digest(b))))
const res: Record<string, number[]> = {}
async function measure (name: string, fn: () => Promise<void>) {
  const c0 = process.cpuUsage(); const t = performance.now(); await fn(); const c1 = process.cpuUsage(c0)
  ;(res[name] ??= []).push((c1.user + c1.system) / 1000 / sizeMiB); (res[name + ' wall'] ??= []).push((performance.now() - t) / sizeMiB)
}
for (let r = 0; r < 9; r++) {
  await measure('read', async () => { for await (const _ of readData(path)) {} })
  await measure('hashSync', async () => { for (const b of blocks) createHash('sha256').update(b).digest() })
  await measure('hashSubtle', async () => { await Promise.all(blocks.map(async b => crypto.subtle.digest('SHA-256', b))) })
  const dir = await freshTempDir('parts'); const bs = new FsBlockstore({ path: dir.path }); await bs.open()
  await measure('put16', async () => { let i = 0; await Promise.all(Array.from({ length: 16 }, async () => { while (i < blocks.length) { const j = i++; await bs.put(cids[j]!, blocks[j]!) } })) })
  await measure('rm', async () => { await dir.remove() })
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) console.log(n.padEnd(16), med(xs).toFixed(3), 'ms/MiB')
