import { releaseProxy, wrap } from 'comlink'
import { InvalidQueryError } from '../../core/search/errors.ts'
import { IpfsKitError } from '../../core/errors/index.ts'
import { ContentIndexer } from '../../core/search/content-indexer.ts'
import { decryptingReader } from '../crypto/decrypting-reader.ts'
import type { DecryptOptions } from '../../core/crypto/index.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { SearchResult } from '../../core/search/types.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { SearchWorkerApi, SearchWorkerStats } from './search-host.ts'
import type { Remote } from 'comlink'

/** What {@link startBrowserSearch} needs. */
export interface BrowserSearchInit {
  /** A worker running `search-worker.ts`. */
  worker: Worker
  service: IpfsService
  events: EventBus
  /** IndexedDB database of the snapshot (default `ipfs-kit-search`). */
  name?: string
  /** Bytes read from the start of each file for its text (default 256 KiB). */
  extractBytes?: number
  /** Keys that open this browser's own encrypted files, so their words are indexed here (and only here). */
  decryptKeys?: () => Promise<DecryptOptions | undefined>
}

/** An error from a search that failed in the worker, revived with its code (and field for bad queries). */
function revive (failure: { code: string, message: string, field?: string }): Error {
  if (failure.code === 'ERR_INVALID_QUERY') return new InvalidQueryError(failure.field ?? 'query', failure.message.replace(/^[^:]*: /, ''))
  return new IpfsKitError('ERR_INTERNAL', failure.message)
}

/**
 * Search in the browser: the index lives in a dedicated worker (persisted to IndexedDB, loaded from it without
 * re-indexing); this main-thread side follows the node's events, reads each new CID's first bytes through the
 * service (verified reads) and hands them to the worker, which extracts text, embeds and indexes.
 *
 * @example
 * ```ts
 * const search = await startBrowserSearch({ worker: new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module' }), service: node.service, events: node.events })
 * const { hits } = await search.search({ query: 'notes' })
 * ```
 */
export class BrowserSearch {
  private readonly remote: Remote<SearchWorkerApi>
  private indexer: ContentIndexer | undefined

  private constructor (init: BrowserSearchInit) {
    this.remote = wrap<SearchWorkerApi>(init.worker)
  }

  /** Open the worker's index, then index through the one indexer (core/search/content-indexer.ts). */
  static async start (init: BrowserSearchInit): Promise<BrowserSearch> {
    const search = new BrowserSearch(init)
    await search.remote.open(init.name ?? 'ipfs-kit-search')
    search.indexer = ContentIndexer.start({
      service: init.decryptKeys === undefined ? init.service : decryptingReader(init.service, init.decryptKeys),
      events: init.events,
      extractBytes: init.extractBytes,
      log: (line) => { console.warn(line) },
      sink: {
        has: async (cid) => search.remote.has(cid),
        index: async (facts) => { await search.remote.index(facts) },
        remove: async (cid) => search.remote.remove(cid)
      }
    })
    return search
  }

  private get running (): ContentIndexer {
    if (this.indexer === undefined) throw new Error('BrowserSearch used before start()')
    return this.indexer
  }

  /** Read a CID's facts here (I/O) and index them in the worker (CPU); a directory with every file in it. */
  async indexCid (cid: string, name?: string): Promise<void> {
    await this.running.indexCid(cid, name)
  }

  /** Run a query in the worker; `InvalidQueryError` (with `field`) for a malformed one. */
  async search (query: unknown): Promise<SearchResult> {
    const result = await this.remote.search(query)
    if ('error' in result) throw revive(result.error)
    return result
  }

  /** Documents held, and whether they came from the IndexedDB snapshot. */
  async stats (): Promise<SearchWorkerStats> {
    return this.remote.stats()
  }

  /** Resolves once every change seen so far is indexed. */
  async idle (): Promise<void> {
    await this.running.idle()
  }

  /** Write the snapshot now. */
  async persist (): Promise<void> {
    await this.remote.persist()
  }

  /** Stop following events, persist, and release the worker (which the caller terminates). */
  async close (options: { destroy?: boolean } = {}): Promise<void> {
    await this.running.stop()
    if (options.destroy === true) await this.remote.destroy()
    else await this.remote.close()
    this.remote[releaseProxy]()
  }
}

/** Start browser search (see {@link BrowserSearch}). */
export async function startBrowserSearch (init: BrowserSearchInit): Promise<BrowserSearch> {
  return BrowserSearch.start(init)
}
