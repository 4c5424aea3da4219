/**
 * A leaf-hashing worker's entry point: SHA-256 of each leaf it is sent, the leaf's memory handed back with the
 * digest (both transferred, nothing copied on the page). Start it with
 * `new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' })` and give the factory to
 * `createWorkerLeafHasher` (`app/content/worker-leaf-hasher.ts`).
 */
import { serveLeafHashing } from '../content/hash-worker-host.ts'

serveLeafHashing(self)
