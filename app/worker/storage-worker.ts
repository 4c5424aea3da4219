/**
 * The storage worker's entry point: exposes a {@link BlockStorageApi} over comlink. Start it with
 * `new Worker(url, { type: 'module' })` and hand the worker to `createWorkerBlockstore` (or to
 * `createBrowserNode({ storageWorker })`).
 */
import { expose } from 'comlink'
import { createBlockStorageHost } from './block-storage-host.ts'
import type { BlockStorageApi } from './block-storage-host.ts'

const api: BlockStorageApi = createBlockStorageHost()
expose(api)
