import { Key } from 'interface-datastore'
import type { PlanItem } from './planner.ts'
import type { Datastore } from 'interface-datastore'

/** Where a job stands. `running` jobs found at start-up (a crash) are queued again and rerun from their last step. */
export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled'

/** The step a job is in (or last completed). */
export type JobStep = 'copy' | 'verify' | 'record' | 'remove'

/**
 * What a job does: a policy's action, or `repair` (add copies inside the one target backend until it holds as many
 * as it keeps, e.g. Filecoin copies on providers chosen when the job runs; queued by that backend's own watch or
 * repair command, never planned by a policy).
 */
export type JobAction = PlanItem['action'] | 'repair'

/** What the migration controller's `enqueue` queues: a plan item, or a repair request of a backend. */
export interface JobRequest extends Pick<PlanItem, 'cid' | 'name' | 'policy' | 'priority' | 'targets' | 'bytes'> {
  action: JobAction
  source?: string
  /** A repair queued by a backend's own watch (held to that backend's budget cap), not by a person. */
  auto?: boolean
}

/** One migration job: a plan item (or a repair request), persisted, with its progress. */
export interface Job extends JobRequest {
  id: string
  state: JobState
  /** Targets that hold a verified, recorded copy (skipped when the job reruns). */
  done: string[]
  step?: JobStep
  attempts: number
  createdAt: string
  updatedAt: string
  /** When a failed attempt may run again (ISO 8601). */
  nextAttemptAt?: string
  progress: { blocks: number, bytes: number }
  error?: { code: string, message: string }
  /** What a repair placed (backend-specific locators, e.g. Filecoin provider ids); absent until it ran. */
  placed?: string[]
}

/** Jobs in the order they run: priority high to low, then oldest first. */
export function byRunOrder (a: Job, b: Job): number {
  return b.priority - a.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
}

/**
 * The job queue's storage: one datastore entry per job (the relay's filesystem datastore writes each atomically,
 * so a kill leaves the previous or the new version of a job, never a torn one), all jobs cached in memory.
 */
export class JobStore {
  private readonly datastore: Datastore
  private readonly prefix: string
  private readonly jobs = new Map<string, Job>()

  constructor (init: { datastore: Datastore, prefix?: string }) {
    this.datastore = init.datastore
    this.prefix = init.prefix ?? '/ipfs-kit/migration/jobs'
  }

  /** Read every stored job into memory. */
  async load (): Promise<Job[]> {
    this.jobs.clear()
    for await (const { value } of this.datastore.query({ prefix: `${this.prefix}/` })) {
      try {
        const job = JSON.parse(new TextDecoder().decode(value)) as Job
        if (typeof job.id === 'string' && typeof job.cid === 'string') this.jobs.set(job.id, job)
      } catch { /* an unreadable entry is skipped: it can only be a job that never ran */ }
    }
    return this.list()
  }

  /** Write `job` (replacing its previous version). */
  async save (job: Job): Promise<void> {
    job.updatedAt = new Date().toISOString()
    await this.datastore.put(new Key(`${this.prefix}/${job.id}`), new TextEncoder().encode(JSON.stringify(job)))
    this.jobs.set(job.id, job)
  }

  /** Forget a finished job. */
  async delete (id: string): Promise<void> {
    await this.datastore.delete(new Key(`${this.prefix}/${id}`))
    this.jobs.delete(id)
  }

  get (id: string): Job | undefined {
    return this.jobs.get(id)
  }

  /** Every job, in run order. */
  list (): Job[] {
    return [...this.jobs.values()].sort(byRunOrder)
  }
}
