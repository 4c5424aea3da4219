import { join } from 'node:path'
import { ContentIndexer } from '../../core/search/content-indexer.ts'
import { documentFromFacts } from '../../core/search/describe-content.ts'
import { SnapshotMismatchError } from '../../core/search/errors.ts'
import { SearchIndex } from '../../core/search/search-index.ts'
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
  private extraIndexed = 0
  private indexer: ContentIndexer | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private dirty = false

  private constructor (init: RelaySearchInit) {
    this.init = init
    this.index = new SearchIndex({ embedder: init.embedder })
  }

  /** Load the snapshot (or start empty), then index through the one indexer (core/search/content-indexer.ts). */
  static async start (init: RelaySearchInit): Promise<RelaySearch> {
    const search = new RelaySearch(init)
    await search.load()
    search.indexer = ContentIndexer.start({
      service: init.service,
      events: init.events,
      extractBytes: init.extractBytes,
      log: init.log,
      sink: {
        has: async (cid) => search.index.has(cid),
        index: async (facts, options) => {
          for (const one of facts) await search.index.upsert(documentFromFacts(one), options)
          search.changed()
        },
        remove: async (cid) => {
          const removed = await search.index.remove(cid)
          if (removed) search.changed()
          return removed
        }
      }
    })
    return search
  }

  private get path (): string { return join(this.init.dir, SNAPSHOT_FILE) }

  /** The snapshot file (absent until the first save). */
  get snapshotPath (): string { return this.path }

  private get running (): ContentIndexer {
    if (this.indexer === undefined) throw new Error('RelaySearch used before start()')
    return this.indexer
  }

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
      indexedSinceStart: this.running.indexed + this.extraIndexed,
      embedder: this.init.embedder.id,
      approximateVectors: this.index.approximate
    }
  }

  /** Resolves once every change seen so far is indexed. */
  async idle (): Promise<void> {
    await this.running.idle()
  }

  /** Index (or re-index) one CID now (a directory with every file in it). */
  async indexCid (cid: string, name?: string, options?: AbortOptions): Promise<void> {
    await this.running.indexCid(cid, name, options)
  }

  /** Remove one CID from the index now, with the files indexed under it when it is a directory. */
  async removeCid (cid: string): Promise<void> {
    await this.running.removeCid(cid)
  }

  /** Index a document known only by its metadata (e.g. a cluster pin held by other peers). */
  async indexDocument (doc: DocumentInput, options?: AbortOptions): Promise<void> {
    await this.index.upsert(doc, options)
    this.extraIndexed++
    this.changed()
  }

  /** Remove one document by its id (no files under it); false when it was not indexed. */
  async removeDocument (id: string): Promise<boolean> {
    const removed = await this.index.remove(id)
    if (removed) this.changed()
    return removed
  }

  /** Run `task` after every change queued so far (indexing is serial); its failure is logged, not thrown. */
  schedule (task: () => Promise<void>): void {
    this.running.schedule(task)
  }

  private changed (): void {
    this.dirty = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.schedule(async () => { await this.flush() }) }, this.init.snapshotDelayMs)
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
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.running.stop()
    await this.flush()
  }
}
