/**
 * The search worker's entry point: exposes a {@link SearchWorkerApi} over comlink. Start it with
 * `new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module' })` and hand it to
 * `startBrowserSearch`. The index, text extraction and embedding all run here, never on the UI thread.
 */
import { expose } from 'comlink'
import { createSearchHost } from './search-host.ts'
import type { SearchWorkerApi } from './search-host.ts'

const api: SearchWorkerApi = createSearchHost()
expose(api)
