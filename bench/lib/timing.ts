/**
 * Wall-clock timing from the monotonic high-resolution clock (`process.hrtime.bigint`, nanoseconds).
 */

/** Monotonic time in seconds, for differences only. */
export function nowSeconds (): number {
  return Number(process.hrtime.bigint()) / 1e9
}

/** Runs `fn` once and returns its result with the elapsed seconds. */
export async function timed<T> (fn: () => Promise<T>): Promise<{ value: T, seconds: number }> {
  const start = process.hrtime.bigint()
  const value = await fn()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { value, seconds }
}
