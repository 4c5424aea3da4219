/**
 * The relay's periodic copy check: every `checkIntervalMs` of each `filecoin` backend, read the PDP verifier for all
 * its copies (tracking.ts) and, with `autoRepair`, give roots short of healthy copies new ones (repair.ts). Ticks never
 * overlap; a failing tick is logged and the next one tries again. The Lotus client of the chain watch, when
 * configured, adds chain faults to the provider scores a repair chooses by.
 */
import { repairCopies } from './repair.ts'
import { checkCopies } from './tracking.ts'
import type { FilecoinBackend } from './backend.ts'
import type { LotusClient } from './lotus.ts'

/** Where the watch reports (the relay's logger). */
export interface CopyWatchLog {
  info: (fields: object, message: string) => void
  warn: (fields: object, message: string) => void
}

/** Start watching; returns the stop function (waits for a tick in progress). */
export function startCopyWatch (backends: FilecoinBackend[], options: { lotus?: LotusClient, log: CopyWatchLog }): () => Promise<void> {
  const controller = new AbortController()
  const timers: Array<ReturnType<typeof setInterval>> = []
  const running = new Set<Promise<void>>()
  for (const backend of backends) {
    if (backend.watch.intervalMs <= 0) continue
    let busy = false
    const tick = async (): Promise<void> => {
      const signal = controller.signal
      const changes = await checkCopies(backend, { signal })
      for (const change of changes) options.log.info({ backend: backend.name, ...change }, 'filecoin copy state changed')
      if (!backend.watch.autoRepair) return
      for (const repair of await repairCopies(backend, { signal, ...(options.lotus !== undefined && { lotus: options.lotus }) })) {
        options.log[repair.error === undefined ? 'info' : 'warn']({ backend: backend.name, ...repair }, 'filecoin repair')
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
