import { Key } from 'interface-datastore'
import { parseCid } from '../content/cid.ts'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

/** What the catalog knows of one CID's life here (kept after the local pin goes: moved content keeps its name). */
export interface ContentDates {
  /** When it was first seen pinned here (ISO 8601). */
  addedAt?: string
  /** When it was last read (ISO 8601). */
  lastReadAt?: string
  /** Its pin name and tags when it was pinned. */
  name?: string
  tags?: string[]
}

/** The root CID of a read target (`<cid>`, `<cid>/path`, `/ipfs/<cid>/path`), v1, or undefined. */
function rootOf (target: CID | string): string | undefined {
  try {
    const root = typeof target === 'string' ? parseCid(target.replace(/^\/ipfs\//, '').split('/')[0] ?? '') : target // parsed once per hot CID
    return root.toV1().toString()
  } catch {
    return undefined
  }
}

/**
 * When content was added and last read, per root CID, for policies such as "not read for 30 days". Reads are noted
 * in memory (a map write per read, nothing else on the read path) and written to the datastore in one batch every
 * `flushMs`; a crash loses at most that window of read times, never an added date already written.
 *
 * @example
 * ```ts
 * const catalog = new ContentCatalog({ datastore })
 * catalog.start()
 * catalog.noteRead('bafy…/notes.txt')
 * await catalog.get('bafy…') // { addedAt, lastReadAt }
 * ```
 */
export class ContentCatalog {
  private readonly datastore: Datastore
  private readonly prefix: string
  private readonly flushMs: number
  /** Last read per root CID, in epoch ms: a read costs no `Date` and no ISO string until the flush (or a `get`). */
  private readonly pendingReads = new Map<string, number>()
  private readonly pendingAdds = new Map<string, { at: string, name?: string, tags?: string[] }>()
  private timer: ReturnType<typeof setInterval> | undefined
  private flushing: Promise<void> = Promise.resolve()

  constructor (init: { datastore: Datastore, prefix?: string, flushMs?: number }) {
    this.datastore = init.datastore
    this.prefix = init.prefix ?? '/ipfs-kit/catalog'
    this.flushMs = init.flushMs ?? 5_000
  }

  /** Write pending dates every `flushMs`. */
  start (): void {
    this.timer ??= setInterval(() => { void this.flush().catch(() => {}) }, this.flushMs)
    this.timer.unref?.()
  }

  /** Stop the timer and write what is pending. */
  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.flush()
  }

  /** Content was read (cheap: remembered until the next flush). */
  noteRead (target: CID | string, at?: Date): void {
    const cid = rootOf(target)
    if (cid !== undefined) this.pendingReads.set(cid, at?.getTime() ?? Date.now())
  }

  /** Content was pinned here, with its name and tags (its added date is kept if it already has one). */
  noteAdded (target: CID | string, facts: { name?: string, tags?: string[] } = {}, at = new Date()): void {
    const cid = rootOf(target)
    if (cid === undefined) return
    const pending = this.pendingAdds.get(cid)
    this.pendingAdds.set(cid, { at: pending?.at ?? at.toISOString(), ...facts })
  }

  /** The dates of `cid` (pending ones included). */
  async get (target: CID | string): Promise<ContentDates> {
    const cid = rootOf(target)
    if (cid === undefined) return {}
    const stored = await this.read(cid)
    const pendingRead = this.pendingReads.get(cid)
    const lastReadAt = pendingRead === undefined ? stored.lastReadAt : new Date(pendingRead).toISOString()
    const pending = this.pendingAdds.get(cid)
    const addedAt = stored.addedAt ?? pending?.at
    const name = pending?.name ?? stored.name
    const tags = pending?.tags ?? stored.tags
    return {
      ...(addedAt === undefined ? {} : { addedAt }),
      ...(lastReadAt === undefined ? {} : { lastReadAt }),
      ...(name === undefined ? {} : { name }),
      ...(tags === undefined ? {} : { tags })
    }
  }

  /** Write every pending date in one batch. */
  async flush (): Promise<void> {
    this.flushing = this.flushing.catch(() => {}).then(async () => {
      if (this.pendingReads.size === 0 && this.pendingAdds.size === 0) return
      const reads = new Map(this.pendingReads)
      const adds = new Map(this.pendingAdds)
      this.pendingReads.clear()
      this.pendingAdds.clear()
      const batch = this.datastore.batch()
      for (const cid of new Set([...reads.keys(), ...adds.keys()])) {
        const stored = await this.read(cid)
        const next: ContentDates = { ...stored }
        const added = adds.get(cid)
        if (added !== undefined) {
          next.addedAt ??= added.at
          if (added.name !== undefined) next.name = added.name
          if (added.tags !== undefined) next.tags = added.tags
        }
        const readMs = reads.get(cid)
        const read = readMs === undefined ? undefined : new Date(readMs).toISOString()
        if (read !== undefined && (next.lastReadAt === undefined || read > next.lastReadAt)) next.lastReadAt = read
        batch.put(this.key(cid), new TextEncoder().encode(JSON.stringify(next)))
      }
      await batch.commit()
    })
    await this.flushing
  }

  private key (cid: string): Key {
    return new Key(`${this.prefix}/${cid}`)
  }

  private async read (cid: string): Promise<ContentDates> {
    try {
      const value: unknown = JSON.parse(new TextDecoder().decode(await this.datastore.get(this.key(cid))))
      return typeof value === 'object' && value !== null ? value : {}
    } catch {
      return {}
    }
  }
}
