/**
 * Profiling aid: adds one data file into a fresh FsBlockstore (and optionally cats it back), nothing else, so
 * `--cpu-prof` shows where an add spends its time.
 *
 * ```
 * npx node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/lib/profile-add.ts [MiB] [--cat]
 * ```
 */
import { createContentStore } from '../../core/content/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { ensureDataFile, freshTempDir, readData } from './data.ts'
import { timed } from './timing.ts'

const sizeMiB = Number(process.argv[2] ?? 256)
const withCat = process.argv.includes('--cat')
const path = await ensureDataFile(sizeMiB * 1_048_576)
const dir = await freshTempDir('profile')
const blockstore = new FsBlockstore({ path: dir.path })
await blockstore.open()
try {
  const content = createContentStore({ blockstore })
  const added = await timed(async () => content.add(readData(path)))
  process.stderr.write(`add ${sizeMiB} MiB: ${(sizeMiB / added.seconds).toFixed(0)} MiB/s → ${added.value.cid.toString()}\n`)
  if (withCat) {
    const read = await timed(async () => {
      let bytes = 0
      for await (const chunk of content.cat(added.value.cid)) bytes += chunk.byteLength
      return bytes
    })
    process.stderr.write(`cat ${sizeMiB} MiB: ${(sizeMiB / read.seconds).toFixed(0)} MiB/s\n`)
  }
} finally {
  await blockstore.close()
  await dir.remove()
}
