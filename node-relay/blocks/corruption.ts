import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { blockKey, blockPath } from './fs-layout.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** What `/health` shows about stored blocks that failed verification. */
export interface CorruptionReport {
  /** Corrupt stored blocks found since the relay started. */
  seen: number
  /** The most recent ones (CIDs), newest last. */
  recent: string[]
}

const RECENT = 10

/**
 * Quarantine for stored blocks that fail verification on read. The corrupt file is copied to
 * `<dataDir>/quarantine/` (for inspection) and removed from the store and its memory cache, so the store no longer
 * claims to hold it: the next read fetches it from peers, and a re-add, a CAR import or a block put of the right
 * bytes writes it again (they skip blocks the store says it has). Counted for `/health`.
 */
export class CorruptBlocks {
  private seenCount = 0
  private readonly recent: string[] = []
  private readonly blocksRoot: string
  private readonly quarantineDir: string
  private readonly store: Pick<Blockstore, 'delete'>

  /**
   * @param blocksRoot - the filesystem blockstore's directory
   * @param quarantineDir - where corrupt files are kept
   * @param store - the store to drop the block from (the tiered store, so its cache forgets it too)
   */
  constructor (blocksRoot: string, quarantineDir: string, store: Pick<Blockstore, 'delete'>) {
    this.blocksRoot = blocksRoot
    this.quarantineDir = quarantineDir
    this.store = store
  }

  /** A stored block failed verification: keep a copy aside, drop it from the store, remember it. */
  async quarantine (cid: CID, options?: AbortOptions): Promise<void> {
    this.seenCount++
    this.recent.push(cid.toString())
    if (this.recent.length > RECENT) this.recent.shift()
    const key = blockKey(cid)
    await mkdir(this.quarantineDir, { recursive: true })
    await copyFile(blockPath(this.blocksRoot, key), join(this.quarantineDir, `${key}.${Date.now()}.data`)).catch(() => {})
    await this.store.delete(cid, options)
  }

  /** Counts for `/health`. */
  report (): CorruptionReport {
    return { seen: this.seenCount, recent: [...this.recent] }
  }
}
