/**
 * Order statistics for benchmark samples. The machine is shared and noisy, so medians (not means) are what
 * the reports compare.
 */

/** The `p`-th percentile (0–100) of `samples`, by linear interpolation between the closest ranks. */
export function percentile (samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples')
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const lower = Math.floor(rank)
  const upper = Math.ceil(rank)
  const low = sorted[lower] ?? 0
  const high = sorted[upper] ?? low
  return low + (high - low) * (rank - lower)
}

/** The median of `samples` (the mean of the two middle values for an even count). */
export function median (samples: readonly number[]): number {
  return percentile(samples, 50)
}
