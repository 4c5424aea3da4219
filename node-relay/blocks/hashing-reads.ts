import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { raceSignal } from '../../core/abort.ts'
import { HASHING_READ_WORKER_SOURCE } from './hashing-read-worker.ts'
import type { AbortOptions } from '../../core/abort.ts'

/** The hash functions the workers compute, by multihash code, under Node's names. */
export const WORKER_HASHES: ReadonlyMap<number, string> = new Map([[0x12, 'sha256'], [0x13, 'sha512']])

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
  waiting: Map<number, Waiter>
}

/**
 * Worker threads that read whole files and hash them as they read them. The relay's filesystem store reads a
 * block its caller will verify through here: the read and its SHA-256 run on another core, the event loop only
 * compares digests, and blocks read ahead are read and hashed in parallel. Measured on two cores (64 MiB of 1 MiB
 * blocks, read ahead 8): a verified DAG read took 75–92 ms against 118–150 ms with the read and the hash on the
 * event loop, and a plain `readFile` of each block 53–76 ms (docs/PERFORMANCE.md, Local backend reads).
 *
 * Workers start on first use (or all at once with `start()`) and are unreferenced while idle, so an idle pool never
 * keeps a process alive.
 *
 * @example
 * ```ts
 * const { bytes, digest } = await sharedHashingReadPool().read('/data/blocks/AB/CIQ….data', 'sha256')
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

  /** Workers started and alive. */
  get workerCount (): number {
    return this.workers.length
  }

  /**
   * Read the file at `path` whole, hashing it with `algorithm` (Node's name, e.g. `sha256`) when one is given.
   * Rejects with {@link FileReadError}, or with the signal's reason once it aborts (the read itself goes on).
   */
  async read (path: string, algorithm: string | undefined, options: AbortOptions = {}): Promise<HashedRead> {
    options.signal?.throwIfAborted()
    if (this.closed) throw new FileReadError(`cannot read ${path}: the read pool is closed`)
    const slot = this.pick()
    const id = this.nextId++
    const answer = new Promise<HashedRead>((resolve, reject) => { slot.waiting.set(id, { resolve, reject }) })
    if (slot.waiting.size === 1) slot.worker.ref()
    slot.worker.postMessage({ id, path, algorithm })
    return options.signal === undefined ? await answer : await raceSignal(answer, options.signal)
  }

  /**
   * Start every worker now rather than on first use. A worker takes tens of milliseconds to start; a long-running
   * process (the relay) starts them with its store, so its first verified reads do not wait for them.
   */
  start (): void {
    if (this.closed) return
    while (this.workers.length < this.size) this.spawn()
  }

  /** Stop every worker; reads still waiting fail. */
  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.workers.map(async ({ worker }) => worker.terminate()))
  }

  /** The least busy worker, or a new one while every worker has reads in flight and the pool is not full. */
  private pick (): PoolWorker {
    let best: PoolWorker | undefined
    for (const slot of this.workers) {
      if (best === undefined || slot.waiting.size < best.waiting.size) best = slot
    }
    if (best === undefined || (best.waiting.size > 0 && this.workers.length < this.size)) return this.spawn()
    return best
  }

  private spawn (): PoolWorker {
    const worker = new Worker(HASHING_READ_WORKER_SOURCE, { eval: true, name: 'ipfs-kit hashing reads', execArgv: [] })
    worker.unref()
    const slot: PoolWorker = { worker, waiting: new Map() }
    worker.on('message', (answer: WorkerAnswer) => { this.settle(slot, answer) })
    const fail = (reason: string): void => {
      const index = this.workers.indexOf(slot)
      if (index >= 0) this.workers.splice(index, 1)
      for (const waiter of slot.waiting.values()) waiter.reject(new FileReadError(`the read worker ${reason}`))
      slot.waiting.clear()
    }
    worker.on('error', err => { fail(`failed: ${err.message}`) })
    worker.on('exit', code => { fail(`exited (code ${code})`) })
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
