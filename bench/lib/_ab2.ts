import { createHash } from 'node:crypto'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { createContentStore } from '../../core/content/index.ts'
import { ensureDataFile, freshTempDir, readData } from './data.ts'
import { startOfflineHelia, UNIXFS_V1_2025 } from './helia-offline.ts'

const sizeMiB = Number(process.argv[2] ?? 64)
const rounds = Number(process.argv[3] ?? 7)
const path = await ensureDataFile(sizeMiB * 1_048_576)
const res: Record<string, number[]> = {}
async function measure (name: string, fn: () => Promise<unknown>) {
  const c0 = process.cpuUsage(); const t = performance.now(); await fn(); const c1 = process.cpuUsage(c0)
  ;(res[name] ??= []).push(sizeMiB / ((performance.now() - t) / 1000)); (res[name + '.cpu'] ??= []).push((c1.user + c1.system) / 1000 / sizeMiB)
}
for (let r = 0; r < rounds; r++) {
  await measure('sha', async () => { const h = createHash('sha256'); for await (const c of readData(path)) h.update(c as Uint8Array); h.digest() })
  { const dir = await freshTempDir('h'); const node = await startOfflineHelia(dir.path)
    await measure('helia', async () => node.fs.addByteStream(readData(path), UNIXFS_V1_2025)); await node.stop(); await dir.remove() }
  { const dir = await freshTempDir('o'); const bs = new FsBlockstore({ path: dir.path }); await bs.open()
    await measure('ours', async () => createContentStore({ blockstore: bs }).add(readData(path))); await bs.close(); await dir.remove() }
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) console.log(n.padEnd(10), med(xs).toFixed(2).padStart(7), n.endsWith('.cpu') ? 'cpu ms/MiB' : `MiB/s ${(med(xs) / med(res.sha!)).toFixed(2)}× sha`)
