import { QuotaExceededError } from '../../core/errors/index.ts'
import type { AbortOptions } from '../../core/abort.ts'

/** What the guard reads: `navigator.storage` in a page or worker. */
export type StorageEstimator = Pick<StorageManager, 'estimate'>

/**
 * UnixFS adds a little to the file's bytes (one dag-pb node per 174 leaves of 1 MiB, a few hundred bytes each) and
 * IndexedDB keeps its own bookkeeping: ask for 1% more plus 1 MiB so an add that passes the check also finishes.
 */
export function bytesNeededFor (fileBytes: number): number {
  return Math.ceil(fileBytes * 1.01) + 1024 * 1024
}

function mib (bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`
}

/**
 * Refuse, before a single block is written, an add that cannot fit in the storage this origin has left
 * (`quota - usage` from `navigator.storage.estimate()`), with a {@link QuotaExceededError} that says how much is
 * needed and how much is free. Browsers that give no estimate are let through (the write itself then fails
 * cleanly: the pin is written last, so nothing half-added is listed).
 */
export async function assertFitsQuota (fileBytes: number, options: AbortOptions & { storage?: StorageEstimator } = {}): Promise<void> {
  options.signal?.throwIfAborted()
  const storage = options.storage ?? (typeof navigator === 'undefined' ? undefined : navigator.storage)
  if (storage === undefined) return
  const { quota, usage } = await storage.estimate()
  if (quota === undefined || usage === undefined) return
  const free = Math.max(0, quota - usage)
  const needed = bytesNeededFor(fileBytes)
  if (needed > free) {
    throw new QuotaExceededError(`not enough browser storage: this file needs about ${mib(needed)}, ${mib(free)} is free ` +
      `(${mib(usage)} used of ${mib(quota)}). Free space by unpinning content, or ask the browser to persist storage.`)
  }
}
