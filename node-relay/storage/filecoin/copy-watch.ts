/**
 * The relay's periodic copy check: every `checkIntervalMs` of each `filecoin` backend, read the PDP verifier for all
 * its copies (tracking.ts), check the deposit's funded term and renew it when it ends soon (renew.ts: a top-up only
 * with `autoRenew`, within the budget) and, with `autoRepair`, give roots short of healthy copies (or whose copies'
 * terms end soon) new ones: as migration jobs when the relay runs the migration controller (repair-jobs.ts; the job
 * is held to the budget when it runs), else inline (repair.ts, within the budget). State changes, repairs, renewals and budget refusals go
 * on the event bus the watch is given (the relay's `/ws`). Ticks never
 * overlap; a failing tick is logged and the next one tries again. The Lotus client of the chain watch, when
 * configured, adds chain faults to the provider scores a repair chooses by.
 */
import { repairCopies } from './repair.ts'
import { enqueueRepairs } from './repair-jobs.ts'
import type { RepairQueue } from './repair-jobs.ts'
import { renewTerm } from './renew.ts'
import { checkCopies } from './tracking.ts'
import type { EventBus } from '../../../core/events/bus.ts'
import type { FilecoinBackend } from './backend.ts'
import type { LotusClient } from './lotus.ts'

/** Where the watch reports (the relay's logger). */
export interface CopyWatchLog {
  info: (fields: object, message: string) => void
  warn: (fields: object, message: string) => void
}

/** Start watching; returns the stop function (waits for a tick in progress). */
export function startCopyWatch (backends: FilecoinBackend[], options: { lotus?: LotusClient, log: CopyWatchLog, events?: EventBus, queue?: RepairQueue }): () => Promise<void> {
  const controller = new AbortController()
  const timers: Array<ReturnType<typeof setInterval>> = []
  const running = new Set<Promise<void>>()
  for (const backend of backends) {
    if (options.events !== undefined) backend.events ??= options.events
    if (options.lotus !== undefined) backend.lotus ??= options.lotus
    if (backend.watch.intervalMs <= 0) continue
    let busy = false
    const tick = async (): Promise<void> => {
      const signal = controller.signal
      const changes = await checkCopies(backend, { signal })
      for (const change of changes) options.log.info({ backend: backend.name, ...change }, 'filecoin copy state changed')
      if ((await backend.records.all()).length > 0) {
        const renewal = await renewTerm(backend, { auto: true })
        if (renewal.action !== 'none') options.log[renewal.action === 'deposit' ? 'info' : 'warn']({ backend: backend.name, ...renewal.term, action: renewal.action, amountUsdfc: renewal.amountUsdfc, reason: renewal.reason }, 'filecoin deposit term')
      }
      if (!backend.watch.autoRepair) return
      const repairOptions = { signal, auto: true, ...(options.lotus !== undefined && { lotus: options.lotus }) }
      const repairs = options.queue === undefined ? await repairCopies(backend, repairOptions) : await enqueueRepairs(backend, options.queue, repairOptions)
      for (const repair of repairs) {
        options.log[repair.error === undefined ? 'info' : 'warn']({ backend: backend.name, ...repair }, options.queue === undefined ? 'filecoin repair' : 'filecoin repair queued')
      }
    }
    const timer = setInterval(() => {
      if (busy || controller.signal.aborted) return
      busy = true
      const run = tick()
        .catch((err: unknown) => { if (!controller.signal.aborted) options.log.warn({ backend: backend.name, err }, 'filecoin copy check failed') })
        .finally(() => { busy = false; running.delete(run) })
      running.add(run)
    }, backend.watch.intervalMs)
    timer.unref()
    timers.push(timer)
  }
  return async () => {
    controller.abort()
    for (const timer of timers) clearInterval(timer)
    await Promise.all(running)
  }
}
