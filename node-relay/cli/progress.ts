/** Where a progress bar draws: stderr, or anything with `write`. */
export interface ProgressOutput {
  write: (text: string) => unknown
  columns?: number
}

/** Settings of a {@link ProgressBar}. */
export interface ProgressBarInit {
  /** Bytes expected in all. */
  total: number
  output: ProgressOutput
  /** Least time between two redraws (default 100 ms: at most 10 per second). */
  intervalMs?: number
  /** Clock, for tests. */
  now?: () => number
}

const MIB = 1024 * 1024

/** Whether to draw a progress bar: only for a person watching a terminal, never with `--json` or `--quiet`. */
export function progressWanted (options: { isTTY: boolean | undefined, json: boolean, quiet: boolean }): boolean {
  return options.isTTY === true && !options.json && !options.quiet
}

import { formatBytes } from '../../core/format/bytes.ts'

export { formatBytes }

/**
 * A one-line progress bar for uploads: bytes sent / total, percent and MiB/s, redrawn in place (`\r`) at most
 * every `intervalMs`. `finish()` draws the final state and ends the line.
 */
export class ProgressBar {
  private readonly init: Required<ProgressBarInit>
  private readonly started: number
  private bytes = 0
  /** When the last byte was counted: the rate is bytes over sending time, not over time waiting for an answer. */
  private lastBytesAt: number
  private lastDraw = -Infinity
  private finished = false

  constructor (init: ProgressBarInit) {
    this.init = { intervalMs: 100, now: () => performance.now(), ...init }
    this.started = this.init.now()
    this.lastBytesAt = this.started
  }

  /** Count bytes sent; redraws when the last redraw is old enough. */
  add (bytes: number): void {
    this.bytes += bytes
    const now = this.init.now()
    this.lastBytesAt = now
    if (now - this.lastDraw >= this.init.intervalMs) this.draw(now)
  }

  /** Draw the final state and move to a new line. Safe to call twice. */
  finish (): void {
    if (this.finished) return
    this.finished = true
    this.draw(this.init.now())
    this.init.output.write('\n')
  }

  /** The line as it would be drawn now. */
  render (now = this.init.now()): string {
    const { total } = this.init
    const fraction = total > 0 ? Math.min(1, this.bytes / total) : 1
    const seconds = Math.max((Math.min(now, this.lastBytesAt) - this.started) / 1000, 1e-3)
    const rate = this.bytes / MIB / seconds
    const width = Math.max(10, Math.min(30, (this.init.output.columns ?? 80) - 60))
    const filled = Math.round(fraction * width)
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled)
    return `[${bar}] ${formatBytes(this.bytes)} / ${formatBytes(total)}  ${(fraction * 100).toFixed(0).padStart(3)}%  ${rate.toFixed(1)} MiB/s`
  }

  private draw (now: number): void {
    this.lastDraw = now
    this.init.output.write(`\r\x1b[K${this.render(now)}`)
  }
}
