import { importer } from 'ipfs-unixfs-importer'
import { createHash } from 'node:crypto'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { importerOptions } from '../../core/content/importer-options.ts'
import { rawLeafImporter } from '../../core/content/leaf-importer.ts'
import { ensureDataFile, freshTempDir, readData } from './data.ts'

const sizeMiB = Number(process.argv[2] ?? 64)
const rounds = Number(process.argv[3] ?? 7)
const path = await ensureDataFile(sizeMiB * 1_048_576)
const base = importerOptions({}, 2 * 1024 * 1024)
const variants: Record<string, object> = {
  default16: { ...base, bufferImporter: undefined },
  leaf16: { ...base, bufferImporter: rawLeafImporter() },
  leaf32: { ...base, bufferImporter: rawLeafImporter(), blockWriteConcurrency: 32 },
  leaf8: { ...base, bufferImporter: rawLeafImporter(), blockWriteConcurrency: 8 },
}
const only = process.argv[4]?.split(',')
const res: Record<string, number[]> = {}
async function sha (): Promise<number> {
  const t = performance.now(); const h = createHash('sha256'); for await (const c of readData(path)) h.update(c as Uint8Array); h.digest(); return sizeMiB / ((performance.now() - t) / 1000)
}
for (let r = 0; r < rounds; r++) {
  (res.sha ??= []).push(await sha())
  for (const [name, opts] of Object.entries(variants)) {
    if (only !== undefined && !only.includes(name)) continue
    const dir = await freshTempDir('ab')
    const bs = new FsBlockstore({ path: dir.path }); await bs.open()
    const t = performance.now(); const c0 = process.cpuUsage()
    for await (const _ of importer([{ content: readData(path) }], bs, { ...opts, wrapWithDirectory: false })) { /* drain */ }
    ;(res[name] ??= []).push(sizeMiB / ((performance.now() - t) / 1000)); const c1 = process.cpuUsage(c0); (res[name + '.cpu'] ??= []).push((c1.user + c1.system) / 1000 / sizeMiB)
    await bs.close(); await dir.remove()
  }
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
for (const [n, xs] of Object.entries(res)) if (n.endsWith('.cpu')) console.log(n.padEnd(14), med(xs).toFixed(2), 'cpu ms/MiB'); else console.log(n.padEnd(10), med(xs).toFixed(0).padStart(5), 'MiB/s', (med(xs) / med(res.sha!)).toFixed(2) + '× sha', xs.map(x => x.toFixed(0)).join(' '))
