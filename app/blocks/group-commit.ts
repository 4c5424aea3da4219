/**
 * Group commit: writes that arrive while a transaction is in flight wait in a queue and are committed together
 * by the next one. A storage engine pays per transaction (IndexedDB in Chromium: ~43 MiB/s with one
 * transaction per 256 KiB block, ~76 MiB/s with all blocks in one), so batching concurrent writers recovers the
 * single-transaction rate without making any caller wait for anyone it does not overlap with.
 */
import { StorageError } from '../../core/errors/index.ts'

/** One write in a batch: store the bytes of `chunks` (one or more arrays, in order) under `key`, or delete `key`. */
export type WriteOp =
  | { kind: 'put', key: string, chunks: readonly Uint8Array[] }
  | { kind: 'delete', key: string }

/** Limits on one batch; a batch closes at whichever is reached first. */
export interface GroupCommitLimits {
  /** Most writes in one transaction (default 64). */
  maxOps?: number
  /** Most value bytes in one transaction (default 32 MiB). A single larger write still goes alone. */
  maxBytes?: number
  /** Transactions committing at once (default 1); later batches form while these commit. */
  maxInFlight?: number
}

/** Commits a batch atomically: all of `ops` are applied, or none and the promise rejects. */
export type CommitBatch = (ops: WriteOp[]) => Promise<void>

interface Waiter {
  op: WriteOp
  resolve(): void
  reject(err: unknown): void
  detach(): void
}

/**
 * Queues writes and commits them in batches, one transaction at a time, in arrival order. Each write's promise
 * settles when the transaction holding it completes; a failed transaction rejects every write in it with a
 * `StorageError` (and, being atomic, wrote none of them).
 *
 * @example
 * ```ts
 * const queue = new GroupCommitQueue(ops => writeInOneTransaction(ops))
 * await Promise.all(blocks.map(b => queue.enqueue({ kind: 'put', key: b.key, chunks: [b.bytes] })))
 * ```
 */
export class GroupCommitQueue {
  private readonly commit: CommitBatch
  private readonly maxOps: number
  private readonly maxBytes: number
  private readonly maxInFlight: number
  private readonly waiting: Waiter[] = []
  private readonly idleWaiters: Array<() => void> = []
  private inFlight = 0
  private pumpScheduled = false

  constructor (commit: CommitBatch, limits: GroupCommitLimits = {}) {
    this.commit = commit
    this.maxOps = limits.maxOps ?? 64
    this.maxBytes = limits.maxBytes ?? 32 * 1024 * 1024
    this.maxInFlight = limits.maxInFlight ?? 1
  }

  /** Whether a transaction is committing. */
  get busy (): boolean {
    return this.inFlight > 0
  }

  /** Writes queued and not yet handed to a transaction. */
  get queued (): number {
    return this.waiting.length
  }

  /**
   * Queue one write; resolves once it is committed. Aborting `signal` before the write is taken into a
   * transaction removes it and rejects with the signal's reason; once taken it is committed with its batch.
   */
  async enqueue (op: WriteOp, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    const done = new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter)
        if (index === -1) return
        this.waiting.splice(index, 1)
        reject(abortError(signal))
        this.settleIdle()
      }
      const waiter: Waiter = { op, resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
    })
    this.schedulePump()
    return done
  }

  /** Resolves when every write queued so far has settled. */
  async idle (): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return
    return new Promise(resolve => { this.idleWaiters.push(resolve) })
  }

  /** Start batches on the next microtask, so writers arriving in the same turn join the same batch. */
  private schedulePump (): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    queueMicrotask(() => {
      this.pumpScheduled = false
      this.pump()
    })
  }

  private pump (): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take()
      this.inFlight++
      void this.commitBatch(batch).finally(() => {
        this.inFlight--
        this.pump()
        this.settleIdle()
      })
    }
  }

  private settleIdle (): void {
    if (this.inFlight > 0 || this.waiting.length > 0) return
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private take (): Waiter[] {
    let count = 0
    let bytes = 0
    for (const { op } of this.waiting) {
      const size = op.kind === 'put' ? op.chunks.reduce((n, chunk) => n + chunk.byteLength, 0) : 0
      if (count > 0 && (count >= this.maxOps || bytes + size > this.maxBytes)) break
      count++
      bytes += size
    }
    const batch = this.waiting.splice(0, count)
    for (const waiter of batch) waiter.detach()
    return batch
  }

  private async commitBatch (batch: Waiter[]): Promise<void> {
    try {
      await this.commit(batch.map(w => w.op))
    } catch (err) {
      const error = err instanceof StorageError ? err : new StorageError('batch write failed', { cause: err })
      for (const waiter of batch) waiter.reject(error)
      return
    }
    for (const waiter of batch) waiter.resolve()
  }
}

/** The signal's reason as an Error (it is a DOMException `AbortError` unless the caller chose another). */
function abortError (signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError')
}
