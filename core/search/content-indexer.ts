import { parseCid } from '../content/cid.ts'
import { readContentFacts } from './describe-content.ts'
import { filesUnder, MAX_TREE_FILES, PARENT_KEY } from './tree-files.ts'
import type { AbortOptions } from '../abort.ts'
import type { EventBus } from '../events/bus.ts'
import type { ContentFacts, ContentReader } from './describe-content.ts'

/** Where the indexer puts what it read: the relay's index in-process, or the browser's search worker. */
export interface IndexSink {
  has: (cid: string) => Promise<boolean>
  /** Build each CID's document from its facts (text extraction, embedding) and index it. */
  index: (facts: ContentFacts[], options?: AbortOptions) => Promise<void>
  /** Drop a CID's document; true when there was one. */
  remove: (cid: string) => Promise<boolean>
}

/** What {@link ContentIndexer} needs. */
export interface ContentIndexerInit {
  /** Verified reads (stat, cat, ls) and pins. */
  service: ContentReader
  events: EventBus
  sink: IndexSink
  /** Bytes read from the start of each file for its text (default 256 KiB). */
  extractBytes?: number
  /** Told about a failed indexing task (the queue goes on). */
  log?: (line: string) => void
}

/**
 * The one indexing loop, for the relay and the browser alike: it follows the node's events (`content:added` and
 * `pin:added` index, `pin:removed` removes), reads each CID's facts through the service (verified reads: I/O here)
 * and hands them to a sink that builds and stores documents (CPU there). A directory is indexed by its entry names
 * and every file in it (up to {@link MAX_TREE_FILES}) as a document of its own, named by its path, so a word in any
 * added file finds it; unpinning the directory removes them (unless a file is also pinned on its own). Pins the sink
 * lacks are indexed at start. Work runs one task at a time.
 */
export class ContentIndexer {
  private readonly init: ContentIndexerInit
  private queue: Promise<void> = Promise.resolve()
  private unsubscribe: () => void = () => {}
  private stopping = false
  /** Documents (re)indexed since start. */
  indexed = 0

  private constructor (init: ContentIndexerInit) {
    this.init = init
  }

  /** Follow the events and index the pins the sink lacks. */
  static start (init: ContentIndexerInit): ContentIndexer {
    const indexer = new ContentIndexer(init)
    indexer.unsubscribe = init.events.subscribe(event => {
      if (event.type === 'content:added' || event.type === 'pin:added') indexer.schedule(async () => { await indexer.indexCid(event.cid, event.name) })
      else if (event.type === 'pin:removed') indexer.schedule(async () => { await indexer.removeCid(event.cid) })
    })
    indexer.schedule(async () => { await indexer.backfill() })
    return indexer
  }

  /** Index (or re-index) one CID now, with every file under it when it is a directory. */
  async indexCid (cid: string, name?: string, options?: AbortOptions): Promise<void> {
    const read = async (target: string, as?: string): Promise<ContentFacts> => readContentFacts(this.init.service, target, { name: as, maxBytes: this.init.extractBytes, signal: options?.signal })
    const root = await read(cid, name)
    await this.init.sink.index([root], options)
    this.indexed++
    if (root.directoryNames === undefined) return
    for await (const file of filesUnder(this.init.service, cid, MAX_TREE_FILES, options)) {
      const path = root.name === '' ? file.path : `${root.name}/${file.path}`
      const facts = await read(file.cid, path)
      await this.init.sink.index([{ ...facts, name: path, metadata: { ...facts.metadata, [PARENT_KEY]: cid } }], options)
      this.indexed++
    }
  }

  /** Remove one CID, with the files indexed under it when it is a directory; true when anything was removed. */
  async removeCid (cid: string): Promise<boolean> {
    let removed = await this.init.sink.remove(cid)
    try {
      for await (const file of filesUnder(this.init.service, cid, MAX_TREE_FILES, { signal: AbortSignal.timeout(30_000) })) {
        if (await this.isPinned(file.cid)) continue // also pinned on its own: its document stays
        if (await this.init.sink.remove(file.cid)) removed = true
      }
    } catch {
      // the tree is no longer readable here: its files' documents stay until re-indexed
    }
    return removed
  }

  /** Run `task` after every change queued so far; its failure is logged, not thrown. */
  schedule (task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      try {
        await task()
      } catch (err) {
        this.init.log?.(`search indexing failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    })
  }

  /** Resolves once every task queued so far has run. */
  async idle (): Promise<void> {
    let current: Promise<void>
    do {
      current = this.queue
      await current
    } while (current !== this.queue)
  }

  /** Stop following events and finish queued work. */
  async stop (): Promise<void> {
    this.stopping = true
    this.unsubscribe()
    await this.idle()
  }

  private async isPinned (cid: string): Promise<boolean> {
    for await (const _pin of this.init.service.pinLs({ cid: parseCid(cid) })) return true
    return false
  }

  private async backfill (): Promise<void> {
    for await (const pin of this.init.service.pinLs()) {
      if (this.stopping) return
      const cid = pin.cid.toString()
      if (!await this.init.sink.has(cid)) await this.indexCid(cid, pin.name)
    }
  }
}
