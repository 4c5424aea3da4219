/**
 * Profiling aid: adds one data file into a fresh FsBlockstore `--rounds` times (and with `--cat` reads it back
 * each time), nothing else, so a CPU profile of the process shows where an add (or cat) spends its time once
 * module loading is amortised. `--helia` profiles Helia 7 + blockstore-fs instead. Prints wall and process CPU time per MiB (median over rounds).
 *
 * ```
 * npx node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/lib/profile-add.ts --size 256 --rounds 4 [--cat] [--helia]
 * ```
 */
import { parseArgs } from 'node:util'
import { createContentStore } from '../../core/content/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { ensureDataFile, freshTempDir, readData } from './data.ts'
import { startOfflineHelia, UNIXFS_V1_2025 } from './helia-offline.ts'
import { median } from './stats.ts'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '4' },
    cat: { type: 'boolean', default: false },
    helia: { type: 'boolean', default: false }
  }
})
const sizeMiB = Number(values.size)
const path = await ensureDataFile(sizeMiB * 1_048_576)
const samples: Record<string, { wall: number[], cpu: number[] }> = {}

async function measure<T> (name: string, fn: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const value = await fn()
  const used = process.cpuUsage(cpu)
  const sample = (samples[name] ??= { wall: [], cpu: [] })
  sample.wall.push((performance.now() - start) / sizeMiB)
  sample.cpu.push((used.user + used.system) / 1000 / sizeMiB)
  return value
}

async function heliaRound (): Promise<void> {
  const dir = await freshTempDir('profile-helia')
  const node = await startOfflineHelia(dir.path)
  try {
    const cid = await measure('helia add', async () => node.fs.addByteStream(readData(path), UNIXFS_V1_2025))
    if (values.cat) {
      await measure('helia cat', async () => {
        for await (const chunk of node.fs.cat(cid)) if (chunk.byteLength === 0) throw new Error('empty chunk')
      })
    }
  } finally {
    await node.stop()
    await dir.remove()
  }
}

for (let round = 0; round < Number(values.rounds); round++) {
  if (values.helia) {
    await heliaRound()
    continue
  }
  const dir = await freshTempDir('profile')
  const blockstore = new FsBlockstore({ path: dir.path })
  await blockstore.open()
  try {
    const content = createContentStore({ blockstore })
    const added = await measure('add', async () => content.add(readData(path)))
    if (values.cat) {
      await measure('cat', async () => {
        for await (const chunk of content.cat(added.cid)) if (chunk.byteLength === 0) throw new Error('empty chunk')
      })
    }
  } finally {
    await blockstore.close()
    await dir.remove()
  }
}
for (const [name, { wall, cpu }] of Object.entries(samples)) {
  process.stderr.write(`${name} ${sizeMiB} MiB: ${(1000 / median(wall)).toFixed(0)} MiB/s, ${median(cpu).toFixed(2)} ms CPU/MiB (medians of ${wall.length})\n`)
}
