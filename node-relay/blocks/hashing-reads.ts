import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { raceSignal } from '../../core/abort.ts'
import { HASHING_READ_WORKER_SOURCE } from './hashing-read-worker.ts'
import type { AbortOptions } from '../../core/abort.ts'

/** The hash functions the workers compute, by multihash code, under Node's names. */
export const WORKER_HASHES: ReadonlyMap<number, string> = new Map([[sha256.code, 'sha256'], [sha512.code, 'sha512']])

/** A file read by a worker: its bytes, and their digest when a hash function was asked for. */
export interface HashedRead {
  bytes: Uint8Array
  digest: Uint8Array | undefined
}

/** A read a worker could not do; `code` is the file system's (`ENOENT`, `EACCES`, ...) when there was one. */
export class FileReadError extends Error {
  readonly code: string | undefined
  constructor (message: string, code?: string) {
    super(message)
    this.name = 'FileReadError'
    this.code = code
  }
}

/** Options of {@link HashingReadPool}. */
export interface HashingReadPoolInit {
  /** Most workers (default: the cores, at most 4). One is started per read in flight until there are this many. */
  size?: number
}

/** What a worker answers (see hashing-read-worker.ts). */
interface WorkerAnswer {
  id: number
  bytes?: Uint8Array
  digest?: Uint8Array
  error?: { code?: string, message: string }
}

interface Waiter {
  resolve: (read: HashedRead) => void
  reject: (err: Error) => void
}

interface PoolWorker {
  worker: Worker
  /** Set once the worker runs: until then no read is given to it. */
  online: boolean
  waiting: Map<number, Waiter>
}

/**
 * Worker threads that read whole files and hash them as they read them. The relay's filesystem store reads a
 * block its caller will verify through here: the read and its SHA-256 run on another core, the event loop only
 * compares digests, and blocks read ahead are read and hashed in parallel. Measured on two cores (64 MiB of 1 MiB
 * blocks, read ahead 8): a verified DAG read took 75–92 ms against 118–150 ms with the read and the hash on the
 * event loop, and a plain `readFile` of each block 53–76 ms (docs/PERFORMANCE.md, Local backend reads).
 *
 * A read never waits for a worker to start (tens of milliseconds each): until one runs, `read` answers undefined
 * and the caller reads on its own thread, while the first call starts one. A worker is added whenever every
 * running worker has reads in flight, up to `size`. A long-running process (the relay) starts them all up front
 * with `start()`. Idle workers are unreferenced, so the pool never keeps a process alive.
 *
 * @example
 * ```ts
 * const read = sharedHashingReadPool().read('/data/blocks/AB/CIQ….data', 'sha256')
 * const { bytes, digest } = read === undefined ? await readOnThisThread() : await read
 * ```
 */
export class HashingReadPool {
  private readonly size: number
  private readonly workers: PoolWorker[] = []
  private nextId = 0
  private closed = false

  constructor (init: HashingReadPoolInit = {}) {
    this.size = Math.max(1, init.size ?? Math.min(4, availableParallelism()))
  }

  /** Workers started and alive (running or still starting). */
  get workerCount (): number {
    return this.workers.length
  }

  /**
   * Read the file at `path` whole in a worker, hashing it with `algorithm` (Node's name, e.g. `sha256`) when one is
   * given; undefined while no worker runs yet (or the pool is closed): then read it yourself. The promise rejects
   * with {@link FileReadError}, or with the signal's reason once it aborts (the read itself goes on).
   */
  read (path: string, algorithm: string | undefined, options: AbortOptions = {}): Promise<HashedRead> | undefined {
    if (this.closed) return undefined
    const slot = this.pick()
    if (slot === undefined) return undefined
    const id = this.nextId++
    const answer = new Promise<HashedRead>((resolve, reject) => { slot.waiting.set(id, { resolve, reject }) })
    if (slot.waiting.size === 1) slot.worker.ref()
    slot.worker.postMessage({ id, path, algorithm })
    return options.signal === undefined ? answer : raceSignal(answer, options.signal)
  }

  /** Start every worker now; resolves once all run (the process is kept alive until then). */
  async start (): Promise<void> {
    if (this.closed) return
    while (this.workers.length < this.size) this.spawn()
    await Promise.all(this.workers.map(async slot => {
      if (slot.online) return
      slot.worker.ref()
      await new Promise(resolve => { slot.worker.once('online', resolve).once('exit', resolve) })
      if (slot.waiting.size === 0) slot.worker.unref()
    }))
  }

  /** Stop every worker; reads still waiting fail, and later reads answer undefined. */
  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.workers.map(async ({ worker }) => worker.terminate()))
  }

  /**
   * The least busy running worker, or undefined while none runs. A worker is started when none exists, or when
   * every running one has reads in flight and the pool is not full; it takes reads once it runs.
   */
  private pick (): PoolWorker | undefined {
    let best: PoolWorker | undefined
    for (const slot of this.workers) {
      if (slot.online && (best === undefined || slot.waiting.size < best.waiting.size)) best = slot
    }
    const starting = this.workers.some(slot => !slot.online)
    if (!starting && this.workers.length < this.size && (best === undefined || best.waiting.size > 0)) this.spawn()
    return best
  }

  private spawn (): PoolWorker {
    const worker = new Worker(HASHING_READ_WORKER_SOURCE, { eval: true, name: 'ipfs-kit hashing reads', execArgv: [] })
    const slot: PoolWorker = { worker, online: false, waiting: new Map() }
    worker.once('online', () => { slot.online = true })
    worker.on('message', (answer: WorkerAnswer) => { this.settle(slot, answer) })
    const fail = (reason: string): void => {
      const index = this.workers.indexOf(slot)
      if (index >= 0) this.workers.splice(index, 1)
      slot.online = false
      for (const waiter of slot.waiting.values()) waiter.reject(new FileReadError(`the read worker ${reason}`))
      slot.waiting.clear()
    }
    worker.on('error', err => { fail(`failed: ${err.message}`) })
    worker.on('exit', code => { fail(`exited (code ${code})`) })
    // after the listeners: adding a 'message' listener refs the worker's port again
    worker.unref()
    this.workers.push(slot)
    return slot
  }

  private settle (slot: PoolWorker, answer: WorkerAnswer): void {
    const waiter = slot.waiting.get(answer.id)
    if (waiter === undefined) return
    slot.waiting.delete(answer.id)
    if (slot.waiting.size === 0) slot.worker.unref()
    if (answer.error !== undefined) waiter.reject(new FileReadError(answer.error.message, answer.error.code))
    else if (answer.bytes === undefined) waiter.reject(new FileReadError('the read worker answered without bytes'))
    else waiter.resolve({ bytes: answer.bytes, digest: answer.digest })
  }
}

let shared: HashingReadPool | undefined

/** The process's pool, started on first use (every filesystem store of the process shares it). */
export function sharedHashingReadPool (): HashingReadPool {
  shared ??= new HashingReadPool()
  return shared
}
