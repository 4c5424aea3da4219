/**
 * Repairs as migration jobs: `filecoin repair` and the copy watch find the roots short of healthy copies (or whose
 * copies' terms end soon) with a dry run of repair.ts, and queue one `repair` job per root on the migration
 * controller, so repairs are persisted, retried with backoff, paused, cancelled and listed like every migration job
 * (`migration jobs`, `migration:job` events). The job runs the repair itself when its turn comes (the backend's
 * `repairCopies`: providers chosen then by the scores), from a verified copy on another backend when the reference
 * index knows one (the node's own first), else from one of the backend's own copies.
 */
import { CID } from 'multiformats/cid'
import { repairCopies } from './repair.ts'
import type { FilecoinBackend } from './backend.ts'
import type { LotusClient } from './lotus.ts'
import type { RootRepair } from './repair.ts'
import type { MigrationController } from '../../../core/migration/controller.ts'
import type { StorageManager } from '../../../core/storage/manager.ts'

/** The policy name repair jobs carry (one unfinished repair job per root: the controller does not queue it twice). */
export const REPAIR_POLICY = 'filecoin:repair'
/** Repairs run before policy moves (policies use priorities around 0–100). */
const REPAIR_PRIORITY = 1_000

/** Where repair jobs go. */
export interface RepairQueue {
  controller: Pick<MigrationController, 'enqueue'>
  storage: Pick<StorageManager, 'references' | 'localName'>
}

/**
 * Queue a repair job for every root of the backend (or the one given) that needs one; returns the dry run's entries,
 * each with its job id. `auto`: the watch's own (the job is held to the budget cap when it runs).
 *
 * @example
 * ```ts
 * const repairs = await enqueueRepairs(backend, { controller, storage }, { auto: true })
 * ```
 */
export async function enqueueRepairs (backend: FilecoinBackend, queue: RepairQueue, options: { root?: string, auto?: boolean, lotus?: LotusClient, signal?: AbortSignal } = {}): Promise<RootRepair[]> {
  const repairs = await repairCopies(backend, { ...options, dryRun: true })
  for (const repair of repairs) {
    const record = await backend.records.get(repair.root)
    const source = await otherCopy(queue.storage, backend.name, repair.root, options.signal)
    const [job] = await queue.controller.enqueue([{
      cid: repair.root, name: '', policy: REPAIR_POLICY, action: 'repair', priority: REPAIR_PRIORITY,
      targets: [backend.name], bytes: record?.size ?? 0, auto: options.auto === true,
      ...(source !== undefined && { source })
    }])
    if (job !== undefined) repair.job = job.id
  }
  return repairs
}

/** A backend other than this one with a verified copy of the root (the node's own first). */
async function otherCopy (storage: RepairQueue['storage'], self: string, root: string, signal?: AbortSignal): Promise<string | undefined> {
  const refs = (await storage.references(CID.parse(root), signal === undefined ? {} : { signal })).filter((r) => r.state === 'ok' && r.backend !== self)
  return (refs.find((r) => r.backend === storage.localName) ?? refs[0])?.backend
}
