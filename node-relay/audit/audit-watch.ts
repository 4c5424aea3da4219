import { verifyAuditLog } from './verify.ts'
import type { AuditLog } from './audit-log.ts'
import type { AuditReport } from './verify.ts'

/** The outcome of one verification of the live audit log. */
export interface AuditVerification {
  /** When it finished (ms since the epoch). */
  at: number
  durationMs: number
  /** Problems found (0: the chain and every checkpoint verify). */
  problems: number
  entries: number
  /** The full report, or undefined when the log could not be read at all. */
  report?: AuditReport
  /** Why the log could not be read. */
  error?: unknown
}

/** What {@link AuditWatch} needs. */
export interface AuditWatchInit {
  log: AuditLog
  dir: string
  /** The relay's peer id: checkpoints signed by any other key are problems. */
  expectedPeerId: string
  /** How often to verify, ms; 0 verifies only when asked (`verifyNow`). */
  intervalMs: number
  /** Told every result (the relay logs failures). */
  onResult?: (result: AuditVerification) => void
}

/**
 * Verifies the relay's own audit log on a timer, so a changed, removed or reordered entry is noticed while the
 * relay runs (the `ipfs_kit_audit_verify_problems` gauge and its alert), not only when someone runs
 * `ipfs-kit audit verify`. The first run is right after start.
 */
export class AuditWatch {
  private readonly init: AuditWatchInit
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<AuditVerification> | undefined
  private stopped = false
  /** The last result, undefined until the first verification ends. */
  last: AuditVerification | undefined

  constructor (init: AuditWatchInit) {
    this.init = init
  }

  /** Schedule the first verification (soon) and the following ones. */
  start (): void {
    if (this.init.intervalMs === 0) return
    this.schedule(1_000)
  }

  private schedule (delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      void this.verifyNow().finally(() => { this.schedule(this.init.intervalMs) })
    }, delayMs)
    this.timer.unref()
  }

  /** Verify now (joins a verification already running). */
  async verifyNow (): Promise<AuditVerification> {
    this.running ??= this.verify().finally(() => { this.running = undefined })
    return this.running
  }

  private async verify (): Promise<AuditVerification> {
    const started = Date.now()
    let result: AuditVerification
    try {
      await this.init.log.tail(1) // waits for writes in flight
      const report = await verifyAuditLog(this.init.dir, { expectedPeerId: this.init.expectedPeerId, live: true })
      result = { at: Date.now(), durationMs: Date.now() - started, problems: report.problems.length, entries: report.entries, report }
    } catch (error) {
      // an unreadable log is a failed verification too
      result = { at: Date.now(), durationMs: Date.now() - started, problems: 1, entries: 0, error }
    }
    this.last = result
    this.init.onResult?.(result)
    return result
  }

  /** Stop the timer; a verification in progress finishes. */
  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }
}
