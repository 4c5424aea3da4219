import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { hashLeafHere } from '../../core/content/leaf-hasher.ts'
import type { HashRequest, HashResponse } from './hash-worker-host.ts'
import type { HashedLeaf, LeafHasher } from '../../core/content/leaf-hasher.ts'

/** Options of {@link createWorkerLeafHasher}. */
export interface WorkerLeafHasherInit {
  /** Starts one hashing worker (`app/worker/hash-worker.ts`). Workers start on first use. */
  spawn: () => Worker
  /** Workers at most (default: the cores less one, from 1 to 4). */
  workers?: number
  /** Leaves smaller than this are hashed here: a round trip costs more than they do (default 64 KiB). */
  minBytes?: number
}

/** A {@link LeafHasher} over a pool of hashing workers, and a way to stop them. */
export interface WorkerLeafHasher {
  hash: LeafHasher
  /** Terminate the workers; hashes still pending fail, later ones run on this thread. */
  close: () => void
}

interface Pending {
  resolve: (leaf: HashedLeaf) => void
  reject: (err: Error) => void
}

interface HashWorker {
  worker: Worker
  pending: Map<number, Pending>
  broken: boolean
}

const DEFAULT_MIN_BYTES = 64 * 1024

/**
 * Hash the raw leaves of adds in dedicated workers. Each leaf's buffer is transferred to a worker and back with its
 * digest, so the page's main thread neither copies nor hashes it: WebCrypto's `digest` copies its input
 * synchronously on the calling thread, into fresh memory (248–324 ms of main-thread time per 64 MiB in the profiles
 * of docs/PERFORMANCE.md). Only leaves the add owns move (`movable`); others, small ones, and all of them once the
 * pool is closed or a worker failed, are hashed here. A leaf goes to the worker with the fewest pending.
 *
 * @example
 * ```ts
 * const hasher = createWorkerLeafHasher({ spawn: () => new Worker(new URL('../worker/hash-worker.ts', import.meta.url), { type: 'module' }) })
 * const content = new ContentStore({ blockstore, reuseLeafBuffers: true, leafHasher: hasher.hash })
 * ```
 */
export function createWorkerLeafHasher (init: WorkerLeafHasherInit): WorkerLeafHasher {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2
  const size = init.workers ?? Math.min(4, Math.max(1, cores - 1))
  const minBytes = init.minBytes ?? DEFAULT_MIN_BYTES
  const workers: HashWorker[] = []
  let closed = false
  let nextId = 0

  const start = (): HashWorker => {
    const worker = init.spawn()
    const entry: HashWorker = { worker, pending: new Map(), broken: false }
    worker.addEventListener('message', (event: MessageEvent<HashResponse>) => {
      const response = event.data
      const waiting = entry.pending.get(response.id)
      if (waiting === undefined) return
      entry.pending.delete(response.id)
      if ('error' in response) waiting.reject(new Error(`leaf hashing failed in a worker: ${response.error}`))
      else waiting.resolve({ multihash: createDigest(sha256.code, response.digest), bytes: response.bytes })
    })
    worker.addEventListener('error', event => {
      event.preventDefault()
      fail(entry, new Error(`leaf hashing worker failed: ${event.message}`))
    })
    worker.addEventListener('messageerror', () => { fail(entry, new Error('leaf hashing worker sent an unreadable message')) })
    workers.push(entry)
    return entry
  }

  const fail = (entry: HashWorker, err: Error): void => {
    entry.broken = true
    for (const waiting of entry.pending.values()) waiting.reject(err)
    entry.pending.clear()
    entry.worker.terminate()
  }

  /** The working worker with the fewest pending hashes; a new one while fewer than `size` were started. */
  const pick = (): HashWorker | undefined => {
    let best: HashWorker | undefined
    for (const entry of workers) if (!entry.broken && (best === undefined || entry.pending.size < best.pending.size)) best = entry
    if ((best === undefined || best.pending.size > 0) && workers.length < size) return start()
    return best
  }

  const hash: LeafHasher = async (bytes, options) => {
    const whole = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength
    const target = closed || !options.movable || !whole || bytes.byteLength < minBytes ? undefined : pick()
    if (target === undefined) return hashLeafHere(bytes, options)
    const id = nextId++
    return await new Promise<HashedLeaf>((resolve, reject) => {
      target.pending.set(id, { resolve, reject })
      const request: HashRequest = { id, bytes: bytes as Uint8Array<ArrayBuffer> }
      target.worker.postMessage(request, [request.bytes.buffer])
    })
  }

  return {
    hash,
    close: () => {
      closed = true
      for (const entry of workers) if (!entry.broken) fail(entry, new Error('leaf hashing workers were closed'))
    }
  }
}
