import { join } from 'node:path'
import { describeContent } from '../../core/search/describe-content.ts'
import { SnapshotMismatchError } from '../../core/search/errors.ts'
import { SearchIndex } from '../../core/search/search-index.ts'
import { filesUnder, MAX_TREE_FILES, PARENT_KEY } from '../../core/search/tree-files.ts'
import { parseCid } from '../../core/content/cid.ts'
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { Embedder } from '../../core/search/embedder.ts'
import type { DocumentInput, SearchResult } from '../../core/search/types.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'

/** What the relay's search is built from. */
export interface RelaySearchInit {
  service: IpfsService
  events: EventBus
  embedder: Embedder
  /** Directory of the snapshot file (`<dataDir>/search`). */
  dir: string
  /** Bytes read from the start of each file for its text. */
  extractBytes: number
  /** Quiet time after the last change before the snapshot is written. */
  snapshotDelayMs: number
  log?: (message: string) => void
}

/** Counters that show what the index did since start. */
export interface RelaySearchStats {
  documents: number
  /** True when the index came from the snapshot on disk (nothing re-indexed). */
  loadedFromSnapshot: boolean
  /** Documents (re)indexed since start. */
  indexedSinceStart: number
  embedder: string
  /** Whether unfiltered vector queries use the IVF lists (approximate) or scan every vector. */
  approximateVectors: boolean
}

const SNAPSHOT_FILE = 'index.snapshot'

/**
 * The relay's search index: documents are indexed as content is added or pinned (from the event bus), removed on
 * unpin, and the index is snapshotted to `<dataDir>/search/` after changes and at stop, so a restart loads it
 * without re-indexing. Pins made while search was off are indexed at start.
 */
export class RelaySearch {
  index: SearchIndex
  private readonly init: RelaySearchInit
  private loadedFromSnapshot = false
  private indexedSinceStart = 0
  private queue: Promise<void> = Promise.resolve()
  private unsubscribe: () => void = () => {}
  private timer: ReturnType<typeof setTimeout> | undefined
  private dirty = false
  private stopped = false
  private stopping = false

  private constructor (init: RelaySearchInit) {
    this.init = init
    this.index = new SearchIndex({ embedder: init.embedder })
  }

  /** Load the snapshot (or start empty), follow the event bus, and index pins the index does not know yet. */
  static async start (init: RelaySearchInit): Promise<RelaySearch> {
    const search = new RelaySearch(init)
    await search.load()
    search.unsubscribe = init.events.subscribe(event => {
      if (event.type === 'content:added' || event.type === 'pin:added') search.enqueue(() => search.indexCid(event.cid, event.name))
      else if (event.type === 'pin:removed') search.enqueue(() => search.removeCid(event.cid))
    })
    search.enqueue(() => search.backfill())
    return search
  }

  private get path (): string { return join(this.init.dir, SNAPSHOT_FILE) }

  private async load (): Promise<void> {
    const bytes = await readSnapshotFile(this.path)
    if (bytes === undefined) return
    try {
      this.index = SearchIndex.load(bytes, { embedder: this.init.embedder })
      this.loadedFromSnapshot = true
    } catch (err) {
      if (!(err instanceof SnapshotMismatchError)) throw err
      this.init.log?.(`search snapshot not usable (${err.message}); re-indexing pins`)
    }
  }

  /** Run a query (`InvalidQueryError` for a malformed one). */
  async search (input: unknown, options?: AbortOptions): Promise<SearchResult> {
    return this.index.search(input, options)
  }

  /** What the index did since start. */
  stats (): RelaySearchStats {
    return {
      documents: this.index.size,
      loadedFromSnapshot: this.loadedFromSnapshot,
      indexedSinceStart: this.indexedSinceStart,
      embedder: this.init.embedder.id,
      approximateVectors: this.index.approximate
    }
  }

  /** Resolves once every change seen so far is indexed. */
  async idle (): Promise<void> {
    let current: Promise<void>
    do {
      current = this.queue
      await current
    } while (current !== this.queue)
  }

  /**
   * Index (or re-index) one CID now. A directory is indexed by its entry names, and every file in it (up to
   * {@link MAX_TREE_FILES}) as a document of its own, named by its path, so a word in any added file finds it.
   */
  async indexCid (cid: string, name?: string, options?: AbortOptions): Promise<void> {
    const doc = await describeContent(this.init.service, cid, { name, maxBytes: this.init.extractBytes, signal: options?.signal })
    await this.index.upsert(doc, options)
    this.indexedSinceStart++
    if (doc.mime === 'inode/directory') {
      for await (const file of filesUnder(this.init.service, cid, MAX_TREE_FILES, options)) {
        const path = doc.name === undefined || doc.name === '' ? file.path : `${doc.name}/${file.path}`
        const fileDoc = await describeContent(this.init.service, file.cid, { name: path, maxBytes: this.init.extractBytes, signal: options?.signal })
        await this.index.upsert({ ...fileDoc, name: path, metadata: { ...fileDoc.metadata, [PARENT_KEY]: cid } }, options)
        this.indexedSinceStart++
      }
    }
    this.changed()
  }

  /** Remove one CID from the index now, with the files indexed under it when it is a directory. */
  async removeCid (cid: string): Promise<void> {
    let removed = await this.index.remove(cid)
    try {
      for await (const file of filesUnder(this.init.service, cid, MAX_TREE_FILES, { signal: AbortSignal.timeout(30_000) })) {
        if (await this.isPinned(file.cid)) continue // also pinned on its own: its document stays
        if (await this.index.remove(file.cid)) removed = true
      }
    } catch {
      // the tree is no longer readable here: its files' documents stay until re-indexed
    }
    if (removed) this.changed()
  }

  private async isPinned (cid: string): Promise<boolean> {
    for await (const _pin of this.init.service.pinLs({ cid: parseCid(cid) })) return true
    return false
  }

  /** Index a document known only by its metadata (e.g. a cluster pin held by other peers). */
  async indexDocument (doc: DocumentInput, options?: AbortOptions): Promise<void> {
    await this.index.upsert(doc, options)
    this.indexedSinceStart++
    this.changed()
  }

  /** Run `task` after every change queued so far (indexing is serial); its failure is logged, not thrown. */
  schedule (task: () => Promise<void>): void {
    this.enqueue(task)
  }

  /** Index every pin the index lacks (pins made before search existed, or while the snapshot was lost). */
  private async backfill (): Promise<void> {
    for await (const pin of this.init.service.pinLs()) {
      if (this.stopping) return
      const cid = pin.cid.toString()
      if (!this.index.has(cid)) await this.indexCid(cid, pin.name)
    }
  }

  private enqueue (task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.stopped) return
      try {
        await task()
      } catch (err) {
        this.init.log?.(`search indexing failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    })
  }

  private changed (): void {
    this.dirty = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.enqueue(() => this.flush()) }, this.init.snapshotDelayMs)
    this.timer.unref()
  }

  /** Write the snapshot now if anything changed. */
  async flush (): Promise<void> {
    if (!this.dirty) return
    this.dirty = false
    await writeSnapshotFile(this.path, this.index.save())
  }

  /** Stop following events, finish queued work, write the snapshot. */
  async stop (): Promise<void> {
    this.stopping = true
    this.unsubscribe()
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.idle()
    this.stopped = true
    await this.flush()
  }
}
