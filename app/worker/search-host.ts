import { documentFromFacts } from '../../core/search/describe-content.ts'
import { SnapshotMismatchError } from '../../core/search/errors.ts'
import { createHashingEmbedder } from '../../core/search/hashing-embedder.ts'
import { SearchIndex } from '../../core/search/search-index.ts'
import { SearchSnapshotStore } from './search-idb.ts'
import type { ContentFacts } from '../../core/search/describe-content.ts'
import type { SearchResult } from '../../core/search/types.ts'

/** A failed call as a value: errors lose their class and `code` crossing `postMessage`. */
export interface SearchFailure {
  error: { code: string, message: string, field?: string }
}

/** The state of the worker's index. */
export interface SearchWorkerStats {
  documents: number
  loadedFromSnapshot: boolean
  indexedSinceOpen: number
}

/** What the search worker offers the main thread (through comlink). */
export interface SearchWorkerApi {
  /** Open the index: load the snapshot from IndexedDB `name` if there is one (no re-indexing), else start empty. */
  open: (name: string) => Promise<SearchWorkerStats>
  /** Build and index the document of each read CID (text extraction and embedding happen here, off the UI thread). */
  index: (facts: ContentFacts[]) => Promise<void>
  remove: (cid: string) => Promise<boolean>
  has: (cid: string) => Promise<boolean>
  /** Run a query; a bad one comes back as `{ error: { code: 'ERR_INVALID_QUERY', field } }`. */
  search: (query: unknown) => Promise<SearchResult | SearchFailure>
  stats: () => Promise<SearchWorkerStats>
  /** Write the snapshot to IndexedDB now (also done automatically shortly after changes). */
  persist: () => Promise<void>
  close: () => Promise<void>
  /** Close and delete the database (tests). */
  destroy: () => Promise<void>
}

/**
 * The worker side of browser search: a {@link SearchIndex} (hashing embedder) persisted to IndexedDB after changes.
 * A plain object so it can also run without a worker.
 */
export function createSearchHost (options: { persistDelayMs?: number } = {}): SearchWorkerApi {
  const embedder = createHashingEmbedder()
  let index = new SearchIndex({ embedder })
  let store: SearchSnapshotStore | undefined
  let loadedFromSnapshot = false
  let indexedSinceOpen = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let saving: Promise<void> = Promise.resolve()

  const persist = async (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    const target = store
    if (target === undefined) return
    saving = saving.then(async () => { await target.write(index.save()) })
    await saving
  }
  const changed = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => { void persist() }, options.persistDelayMs ?? 500)
  }
  const stats = (): SearchWorkerStats => ({ documents: index.size, loadedFromSnapshot, indexedSinceOpen })

  return {
    open: async (name) => {
      if (store !== undefined) return stats()
      const opened = new SearchSnapshotStore(name)
      await opened.open()
      store = opened
      const bytes = await opened.read()
      if (bytes !== undefined) {
        try {
          index = SearchIndex.load(bytes, { embedder })
          loadedFromSnapshot = true
        } catch (err) {
          if (!(err instanceof SnapshotMismatchError)) throw err
        }
      }
      return stats()
    },
    index: async (facts) => {
      await index.upsertMany(facts.map(documentFromFacts))
      indexedSinceOpen += facts.length
      changed()
    },
    remove: async (cid) => {
      const removed = await index.remove(cid)
      if (removed) changed()
      return removed
    },
    has: async (cid) => index.has(cid),
    search: async (query) => {
      try {
        return await index.search(query)
      } catch (err) {
        if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
          return { error: { code: err.code, message: err.message, ...('field' in err && typeof err.field === 'string' ? { field: err.field } : {}) } }
        }
        throw err
      }
    },
    stats: async () => stats(),
    persist,
    close: async () => {
      await persist()
      store?.close()
      store = undefined
    },
    destroy: async () => {
      if (timer !== undefined) clearTimeout(timer)
      await saving
      await store?.destroy()
      store = undefined
    }
  }
}
