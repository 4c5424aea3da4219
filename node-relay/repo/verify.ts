import { join } from 'node:path'
import { isValidBlock } from '../../core/blocks/verify.ts'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { linksOf } from '../../core/content/dag-walk.ts'
import { readPinRecords } from '../../core/service/pin-records.ts'
import { FsBlockstore } from '../blocks/fs-blockstore.ts'
import { CorruptBlocks } from '../blocks/corruption.ts'
import { SafeFsDatastore } from '../node/safe-fs-datastore.ts'
import { lockRepo } from '../node/repo-lock.ts'
import type { CID } from 'multiformats/cid'
import { Key } from 'interface-datastore'

/** What `ipfs-kit repo verify` found (and, with `--repair`, fixed). */
export interface RepoReport {
  /** Block files read and checked. */
  blocks: number
  /** Pin records read. */
  pins: number
  /** Pin records that cannot be decoded (`removed` after a repair). */
  tornPins: Array<{ key: string, reason: string, removed: boolean }>
  /** Stored blocks whose bytes do not hash to their CID (`quarantined` after a repair). */
  corruptBlocks: Array<{ cid: string, quarantined: boolean }>
  /** Blocks of pinned DAGs that are not stored: the pin is incomplete (refetch: `ipfs-kit pin add <root>` on a running relay). */
  missingBlocks: Array<{ cid: string, pin: string }>
  /** Nothing left to fix. */
  ok: boolean
}

/**
 * Check a stopped relay's data directory (taking its repo lock): every pin record decodes, every stored block hashes
 * to its CID, every block of every pinned DAG is present. With `repair`, torn pin records are deleted and corrupt
 * blocks quarantined (`<dataDir>/quarantine/`); missing blocks cannot be fetched offline and are reported with the
 * pin they belong to (start the relay and pin again: the blocks come from peers or `ipfs-kit storage get`).
 */
export async function verifyRepo (dataDir: string, options: { repair?: boolean } = {}): Promise<RepoReport> {
  const lock = await lockRepo(dataDir)
  const blocks = new FsBlockstore({ path: join(dataDir, 'blocks') })
  const datastore = new SafeFsDatastore(join(dataDir, 'datastore'))
  const report: RepoReport = { blocks: 0, pins: 0, tornPins: [], corruptBlocks: [], missingBlocks: [], ok: true }
  try {
    await blocks.open()
    await datastore.open()
    const corruption = new CorruptBlocks(join(dataDir, 'blocks'), join(dataDir, 'quarantine'), blocks)
    for await (const { cid, bytes } of blocks.getAll()) {
      report.blocks++
      if (await isValidBlock(cid, await collectBlock(bytes))) continue
      const entry = { cid: cid.toString(), quarantined: false }
      if (options.repair === true) {
        await corruption.quarantine(cid)
        entry.quarantined = true
      }
      report.corruptBlocks.push(entry)
    }
    const torn: Array<{ key: string, reason: string }> = []
    const roots: Array<{ cid: CID, depth: number }> = []
    for await (const pin of readPinRecords(datastore, { onTorn: t => { torn.push(t) } })) {
      report.pins++
      roots.push({ cid: pin.cid, depth: pin.depth })
    }
    for (const t of torn) {
      if (options.repair === true) await datastore.delete(new Key(t.key))
      report.tornPins.push({ ...t, removed: options.repair === true })
    }
    for (const root of roots) {
      for (const cid of await missingUnder(blocks, root.cid, root.depth)) report.missingBlocks.push({ cid, pin: root.cid.toString() })
    }
    report.ok = report.missingBlocks.length === 0 &&
      report.tornPins.every(t => t.removed) && report.corruptBlocks.every(c => c.quarantined)
    return report
  } finally {
    await datastore.close().catch(() => {})
    await blocks.close().catch(() => {})
    await lock.release()
  }
}

/** The blocks of a DAG (to `depth`) that the store does not hold. */
async function missingUnder (blocks: FsBlockstore, root: CID, depth: number): Promise<string[]> {
  const missing: string[] = []
  const seen = new Set<string>()
  const stack: Array<{ cid: CID, depth: number }> = [{ cid: root, depth: 0 }]
  while (stack.length > 0) {
    const next = stack.pop()
    if (next === undefined) break
    const key = next.cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    if (next.cid.multihash.code === 0x00) continue // identity: the bytes are in the CID
    if (!await blocks.has(next.cid)) {
      missing.push(key)
      continue
    }
    if (next.depth >= depth || next.cid.code === 0x55) continue
    const bytes = await collectBlock(blocks.get(next.cid))
    if (!await isValidBlock(next.cid, bytes)) continue // reported (or quarantined) by the block pass
    for (const link of linksOf(next.cid, bytes)) stack.push({ cid: link, depth: next.depth + 1 })
  }
  return missing
}
