import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { BlockCorruptError, IpfsKitError, NotFoundError } from '../errors/index.ts'
import { NotSupportedError } from '../storage/errors.ts'
import { verifiedReference } from '../storage/reference-index.ts'
import { ConflictError, RetainedError } from './errors.ts'
import { JobStore } from './jobs.ts'
import { retentionBlocking } from './policy.ts'
import type { Job, JobRequest, JobState, JobStep } from './jobs.ts'
import type { ContentItem, RetentionRule } from './policy.ts'
import type { AbortOptions } from '../abort.ts'
import type { EventBus } from '../events/bus.ts'
import type { DagSource, PutResult } from '../storage/backend.ts'
import type { StorageManager } from '../storage/manager.ts'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

/** What the migration controller works with. */
export interface MigrationComponents {
  storage: StorageManager
  /** The node's blocks: the source of copies from `local`, and where content from another backend is staged. */
  localBlocks: Pick<Blockstore, 'get' | 'put' | 'has'>
  /** Where jobs are persisted. */
  datastore: Datastore
  /** One CID as the policy matchers see it (for the retention check right before a deletion). */
  item: (cid: string, options?: AbortOptions) => Promise<ContentItem | undefined>
  /** The retention rules in force. */
  retention: () => readonly RetentionRule[]
  /** Drop this node's own pin of `cid` (removing the local copy; the blocks are collected later). */
  unpinLocal: (cid: CID, options?: AbortOptions) => Promise<void>
  /** Remove `cid` from the cluster's pinset (expire); absent without a cluster. */
  unpinCluster?: (cid: CID, options?: AbortOptions) => Promise<void>
  /** True when this node must keep a local copy (a cluster allocation names it). */
  mustKeepLocal?: (cid: string) => boolean
  events?: Pick<EventBus, 'emit'>
  /** Held (shared) while a job copies and verifies, so a garbage collection never drops blocks it is reading. */
  writeGuard?: () => Promise<() => void>
}

/** Tuning of the controller. */
export interface MigrationInit {
  /** Jobs touching one backend at once (default 2). */
  concurrencyPerBackend?: number
  /** Attempts before a job with passing failures (unreachable backend, timeout) fails for good (default 5). */
  maxAttempts?: number
  /** First retry delay; doubles per attempt, at most 5 minutes (default 2 s). */
  retryBaseMs?: number
  /** The node's own backend (default: the storage manager's). */
  local?: string
}

/** Failures that retrying cannot fix: the job fails at once. */
const PERMANENT = new Set(['ERR_BLOCK_CORRUPT', 'ERR_RETAINED', 'ERR_CONFLICT', 'ERR_TOO_LARGE', 'ERR_NOT_SUPPORTED', 'ERR_INVALID_INPUT', 'ERR_INVALID_CID'])
const PAUSED_KEY = new Key('/ipfs-kit/migration/paused')
const MAX_RETRY_MS = 300_000
const PROGRESS_EVERY_MS = 250

function errorInfo (err: unknown): { code: string, message: string } {
  if (err instanceof IpfsKitError) return { code: err.code, message: err.message }
  return { code: 'ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

/**
 * The migration executor: a persisted priority queue of jobs (priority, then age), bounded concurrency per
 * backend, retries with backoff, pause, resume and cancel. Each job copies the DAG to each target, **verifies the
 * target by reading the whole DAG back through the target backend** (every block hashed against its CID), records
 * the copy in the reference index, and only then removes the source copy when the policy moves or evicts.
 *
 * Guarantees (a kill -9 at any moment): a reference is written only after its copy verified, so the index never
 * points at an unverified copy; a source copy is removed only while another verified copy is recorded, so content
 * never drops to zero copies; a job found `running` at start-up is queued again and reruns its steps (each is
 * idempotent: a put of stored content succeeds, removing a removed copy succeeds).
 *
 * @example
 * ```ts
 * const migrations = new MigrationController({ storage, localBlocks, datastore, item, retention, unpinLocal })
 * await migrations.start()
 * await migrations.enqueue(plan({ policies, items, backends, now: Date.now() }).items)
 * ```
 */
export class MigrationController {
  private readonly components: MigrationComponents
  private readonly store: JobStore
  private readonly concurrency: number
  private readonly maxAttempts: number
  private readonly retryBaseMs: number
  private readonly local: string
  private readonly running = new Map<string, { controller: AbortController, done: Promise<void> }>()
  private readonly busy = new Map<string, number>()
  private paused = false
  private started = false
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Totals since start, for metrics. */
  readonly totals = { bytesCopied: 0, verifyFailures: 0, jobsDone: 0, jobsFailed: 0 }

  constructor (components: MigrationComponents, init: MigrationInit = {}) {
    this.components = components
    this.store = new JobStore({ datastore: components.datastore })
    this.concurrency = init.concurrencyPerBackend ?? 2
    this.maxAttempts = init.maxAttempts ?? 5
    this.retryBaseMs = init.retryBaseMs ?? 2_000
    this.local = init.local ?? components.storage.localName
  }

  /** Load persisted jobs (those a crash left `running` are queued again) and start running them. */
  async start (): Promise<void> {
    for (const job of await this.store.load()) {
      if (job.state === 'running') {
        job.state = 'queued'
        await this.store.save(job)
      }
    }
    this.paused = await this.components.datastore.has(PAUSED_KEY)
    this.started = true
    this.pump()
  }

  /** Stop running jobs (they stay queued, and run again at the next start). */
  async stop (): Promise<void> {
    this.started = false
    clearTimeout(this.timer)
    for (const { controller } of this.running.values()) controller.abort(new Error('the node is stopping'))
    await Promise.allSettled([...this.running.values()].map(async r => r.done))
  }

  /**
   * Queue plan items (or a backend's repair requests) as jobs. An item whose CID already has an unfinished job of the
   * same policy is not queued twice (that job is returned instead).
   */
  async enqueue (items: readonly JobRequest[]): Promise<Job[]> {
    const out: Job[] = []
    const active = this.store.list().filter(j => j.state === 'queued' || j.state === 'running' || j.state === 'paused')
    for (const item of items) {
      const existing = active.find(j => j.cid === item.cid && j.policy === item.policy)
      if (existing !== undefined) {
        out.push(existing)
        continue
      }
      const now = new Date().toISOString()
      const job: Job = {
        id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
        cid: item.cid,
        name: item.name,
        policy: item.policy,
        action: item.action,
        priority: item.priority,
        ...(item.source === undefined ? {} : { source: item.source }),
        targets: item.targets,
        bytes: item.bytes,
        ...(item.auto === undefined ? {} : { auto: item.auto }),
        state: 'queued',
        done: [],
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        progress: { blocks: 0, bytes: 0 }
      }
      await this.store.save(job)
      this.announce(job)
      out.push(job)
    }
    this.pump()
    return out
  }

  /** Every job, in run order (finished ones too, until removed). */
  list (): Job[] {
    return this.store.list()
  }

  /** One job (`ERR_NOT_FOUND` when there is none). */
  get (id: string): Job {
    const job = this.store.get(id)
    if (job === undefined) throw new NotFoundError(`no migration job ${id}`)
    return job
  }

  /** Jobs by state. */
  counts (): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, paused: 0, done: 0, failed: 0, cancelled: 0 }
    for (const job of this.store.list()) counts[job.state]++
    return counts
  }

  /** Whether the whole queue is paused. */
  get isPaused (): boolean {
    return this.paused
  }

  /**
   * Pause one job, or the whole queue (no job starts; running ones stop and are queued again). A paused job keeps
   * its finished targets and continues from there when resumed.
   */
  async pause (id?: string): Promise<void> {
    if (id === undefined) {
      this.paused = true
      await this.components.datastore.put(PAUSED_KEY, new Uint8Array([1]))
      for (const [runningId, { controller }] of this.running) {
        const job = this.store.get(runningId)
        // a job that just finished (done, failed) is still in the running set until its cleanup: left as it is
        if (job?.state !== 'running') continue
        controller.abort(new Error('the migration queue was paused'))
        await this.setState(job, 'queued')
      }
      return
    }
    const job = this.get(id)
    if (job.state !== 'queued' && job.state !== 'running') throw new ConflictError(`job ${id} is ${job.state}: only queued or running jobs can be paused`)
    if (job.state === 'running') this.running.get(id)?.controller.abort(new Error('the job was paused'))
    await this.setState(job, 'paused')
  }

  /** Resume one job (a paused or failed one runs again from its last finished target), or the whole queue. */
  async resume (id?: string): Promise<void> {
    if (id === undefined) {
      this.paused = false
      await this.components.datastore.delete(PAUSED_KEY)
      this.pump()
      return
    }
    const job = this.get(id)
    if (job.state !== 'paused' && job.state !== 'failed') throw new ConflictError(`job ${id} is ${job.state}: only paused or failed jobs can be resumed`)
    job.attempts = 0
    delete job.nextAttemptAt
    delete job.error
    await this.setState(job, 'queued')
    this.pump()
  }

  /** Cancel a job that has not finished. Copies already verified and recorded stay (they are valid copies). */
  async cancel (id: string): Promise<Job> {
    const job = this.get(id)
    if (job.state === 'done' || job.state === 'cancelled') throw new ConflictError(`job ${id} is already ${job.state}`)
    if (job.state === 'running') this.running.get(id)?.controller.abort(new Error('the job was cancelled'))
    await this.setState(job, 'cancelled')
    return job
  }

  /** Resolves when no job is queued or running (for tests and `migrate run --wait`). */
  async idle (options: AbortOptions & { pollMs?: number } = {}): Promise<void> {
    while (this.store.list().some(j => j.state === 'queued' || j.state === 'running')) {
      options.signal?.throwIfAborted()
      await new Promise(resolve => setTimeout(resolve, options.pollMs ?? 50))
    }
  }

  private backendsOf (job: Job): string[] {
    return [...new Set([...(job.source === undefined ? [] : [job.source]), ...job.targets])]
  }

  /** Start every queued job that may run now. */
  private pump (): void {
    if (!this.started || this.paused) return
    const now = Date.now()
    let wake = Infinity
    for (const job of this.store.list()) {
      if (job.state !== 'queued' || this.running.has(job.id)) continue
      const due = job.nextAttemptAt === undefined ? 0 : Date.parse(job.nextAttemptAt)
      if (due > now) {
        wake = Math.min(wake, due)
        continue
      }
      const backends = this.backendsOf(job)
      if (backends.some(b => (this.busy.get(b) ?? 0) >= this.concurrency)) continue
      this.launch(job, backends)
    }
    clearTimeout(this.timer)
    if (wake !== Infinity) {
      this.timer = setTimeout(() => { this.pump() }, Math.max(10, wake - now))
      this.timer.unref?.()
    }
  }

  private launch (job: Job, backends: string[]): void {
    for (const b of backends) this.busy.set(b, (this.busy.get(b) ?? 0) + 1)
    const controller = new AbortController()
    const done = (async () => {
      try {
        job.attempts++
        await this.setState(job, 'running')
        await this.execute(job, controller.signal)
        delete job.error
        delete job.nextAttemptAt
        this.totals.jobsDone++
        await this.setState(job, 'done')
      } catch (err) {
        await this.failed(job, err, controller.signal)
      } finally {
        for (const b of backends) this.busy.set(b, (this.busy.get(b) ?? 1) - 1)
        this.running.delete(job.id)
        this.pump()
      }
    })()
    this.running.set(job.id, { controller, done })
  }

  private async failed (job: Job, err: unknown, signal: AbortSignal): Promise<void> {
    // stopped, paused or cancelled: whoever aborted it has set its state already
    if (signal.aborted) return
    const error = errorInfo(err)
    job.error = error
    if (PERMANENT.has(error.code) || job.attempts >= this.maxAttempts) {
      this.totals.jobsFailed++
      await this.setState(job, 'failed')
      return
    }
    const delay = Math.min(MAX_RETRY_MS, this.retryBaseMs * 2 ** (job.attempts - 1))
    job.nextAttemptAt = new Date(Date.now() + delay).toISOString()
    await this.setState(job, 'queued')
  }

  private async setState (job: Job, state: JobState, step?: JobStep): Promise<void> {
    job.state = state
    if (step !== undefined) job.step = step
    await this.store.save(job)
    this.announce(job)
  }

  private announce (job: Job): void {
    this.components.events?.emit({
      type: 'migration:job', id: job.id, cid: job.cid, action: job.action, state: job.state,
      ...(job.step === undefined ? {} : { step: job.step }),
      ...(job.error === undefined ? {} : { error: job.error })
    })
  }

  private async step (job: Job, step: JobStep, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted()
    await this.setState(job, 'running', step)
  }

  private async execute (job: Job, signal: AbortSignal): Promise<void> {
    const root = CID.parse(job.cid)
    switch (job.action) {
      case 'copy':
      case 'move':
        for (const target of job.targets) {
          if (!job.done.includes(target)) await this.copyTo(job, root, target, signal)
        }
        if (job.action === 'move') await this.removeCopy(job, root, job.source ?? this.local, signal)
        return
      case 'evict':
        await this.proveAnotherCopy(job, root, job.source ?? this.local, signal)
        await this.removeCopy(job, root, job.source ?? this.local, signal)
        return
      case 'expire':
        await this.expire(job, root, signal)
        return
      case 'repair':
        await this.repairIn(job, root, signal)
    }
  }

  /**
   * A repair: the target backend adds the copies it lacks (choosing where when it runs), from the source backend's
   * copy staged here and verified block by block, or, without a source, from one of its own copies it verifies. The
   * backend records a copy only once it is placed and checked, so a repair interrupted at any point reruns whole:
   * it finds the copies recorded so far and adds only those still missing.
   */
  private async repairIn (job: Job, root: CID, signal: AbortSignal): Promise<void> {
    const target = job.targets[0] ?? ''
    const backend = this.components.storage.backend(target)
    if (backend.repairCopies === undefined) throw new NotSupportedError(`backend ${target} keeps one copy: it has nothing to repair`)
    await this.step(job, 'copy', signal)
    const release = await this.components.writeGuard?.()
    try {
      const source = job.source === undefined ? undefined : await this.sourceBlocks(job, root, signal)
      const outcome = await backend.repairCopies(root, { signal, auto: job.auto === true, ...(source === undefined ? {} : { source }) })
      job.placed = outcome.placed
    } finally {
      release?.()
    }
    await this.step(job, 'record', signal)
    job.done.push(target)
    await this.store.save(job)
  }

  /** Copy, verify by reading back through the target, record. */
  private async copyTo (job: Job, root: CID, target: string, signal: AbortSignal): Promise<void> {
    const { storage } = this.components
    const backend = storage.backend(target)
    await this.step(job, 'copy', signal)
    const release = await this.components.writeGuard?.()
    let placed: PutResult
    try {
      const source = await this.sourceBlocks(job, root, signal)
      placed = await backend.put(root, source, { signal })
    } finally {
      release?.()
    }
    await this.step(job, 'verify', signal)
    let blocks = 0
    let bytes = 0
    let reported = 0
    try {
      for await (const block of backend.get(root, { signal })) {
        blocks++
        bytes += block.bytes.byteLength
        if (Date.now() - reported > PROGRESS_EVERY_MS) {
          reported = Date.now()
          this.progress(job, 'verify', blocks, bytes)
        }
      }
    } catch (err) {
      signal.throwIfAborted()
      const code = err instanceof IpfsKitError ? err.code : ''
      if (code !== 'ERR_BLOCK_CORRUPT' && code !== 'ERR_NOT_FOUND') throw err
      this.totals.verifyFailures++
      // the bad copy is never recorded; remove it so nothing reads it by chance
      await backend.delete(root).catch(() => {})
      throw new BlockCorruptError(`the copy of ${job.cid} on ${target} failed verification (${code}): the source is kept`, { cause: err })
    }
    this.progress(job, 'verify', blocks, bytes)
    job.progress = { blocks, bytes }
    await this.step(job, 'record', signal)
    await storage.index.set(verifiedReference(job.cid, target, placed))
    this.components.events?.emit({ type: 'storage:placed', cid: job.cid, backend: target, locator: placed.locator, size: placed.size })
    job.done.push(target)
    this.totals.bytesCopied += bytes
    await this.store.save(job)
  }

  /** The DAG's blocks: the node's own, after staging them from the source backend when it is not `local`. */
  private async sourceBlocks (job: Job, root: CID, signal: AbortSignal): Promise<DagSource> {
    const { storage, localBlocks } = this.components
    const source = job.source ?? this.local
    if (source === this.local) return localBlocks
    let blocks = 0
    let bytes = 0
    for await (const block of storage.get(root, { from: source, signal })) {
      if (!await localBlocks.has(block.cid)) await localBlocks.put(block.cid, block.bytes)
      blocks++
      bytes += block.bytes.byteLength
    }
    this.progress(job, 'stage', blocks, bytes)
    return localBlocks
  }

  /** Before an eviction: read another recorded copy back whole (every block verified), or refuse. */
  private async proveAnotherCopy (job: Job, root: CID, source: string, signal: AbortSignal): Promise<void> {
    await this.step(job, 'verify', signal)
    const { storage } = this.components
    const others = (await storage.references(root, { signal })).filter(r => r.state === 'ok' && r.backend !== source)
    for (const ref of others) {
      try {
        let blocks = 0
        let bytes = 0
        for await (const block of storage.get(root, { from: ref.backend, signal })) {
          blocks++
          bytes += block.bytes.byteLength
        }
        this.progress(job, 'verify', blocks, bytes)
        return
      } catch (err) {
        signal.throwIfAborted()
        if (!(err instanceof IpfsKitError) || (err.code !== 'ERR_BLOCK_CORRUPT' && err.code !== 'ERR_NOT_FOUND')) throw err
        this.totals.verifyFailures++
      }
    }
    throw new ConflictError(`no other copy of ${job.cid} verifies: evicting the one on ${source} would lose the content`)
  }

  private async checkRetention (job: Job, signal: AbortSignal): Promise<void> {
    const item = await this.components.item(job.cid, { signal })
    if (item === undefined) return
    const blocking = retentionBlocking(this.components.retention(), item, Date.now())
    if (blocking !== undefined) throw new RetainedError(`${job.cid} cannot be deleted: ${blocking.reason}`)
  }

  /** Remove one copy, never the last verified one, never against a retention rule. */
  private async removeCopy (job: Job, root: CID, backend: string, signal: AbortSignal): Promise<void> {
    await this.step(job, 'remove', signal)
    await this.checkRetention(job, signal)
    const { storage } = this.components
    const others = (await storage.references(root, { signal })).filter(r => r.state === 'ok' && r.backend !== backend)
    if (others.length === 0) throw new ConflictError(`${job.cid} has no other verified copy: the one on ${backend} is kept`)
    await this.dropCopy(root, backend, signal)
  }

  private async dropCopy (root: CID, backend: string, signal: AbortSignal): Promise<void> {
    const { storage } = this.components
    if (backend === this.local) {
      if (this.components.mustKeepLocal?.(root.toV1().toString()) === true) throw new ConflictError(`the cluster allocates ${root.toString()} to this node: its local copy is kept`)
      await this.components.unpinLocal(root, { signal }).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err })
    } else {
      await storage.backend(backend).delete(root, { signal })
    }
    await storage.index.delete(root, backend)
  }

  /** Unpin and delete every copy (after the retention check). */
  private async expire (job: Job, root: CID, signal: AbortSignal): Promise<void> {
    await this.step(job, 'remove', signal)
    await this.checkRetention(job, signal)
    await this.components.unpinCluster?.(root, { signal }).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err })
    const refs = await this.components.storage.references(root, { signal })
    for (const ref of refs.filter(r => r.backend !== this.local)) await this.dropCopy(root, ref.backend, signal)
    await this.components.unpinLocal(root, { signal }).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err })
    if (refs.some(r => r.backend === this.local)) await this.components.storage.index.delete(root, this.local)
  }

  private progress (job: Job, step: 'stage' | 'verify', blocks: number, bytes: number): void {
    this.components.events?.emit({ type: 'migration:progress', id: job.id, cid: job.cid, step, blocks, bytes, total: job.bytes })
  }
}
