/**
 * Repeats measurements: warm-up rounds (discarded) then timed rounds. Several cases run interleaved within a
 * round (A B C, A B C, ...) so that noise from other tenants of the machine spreads over all of them instead of
 * landing on whichever case happened to run during it.
 */
import { timed } from './timing.ts'

/** The samples of one named measurement. */
export interface Measurement {
  /** What was measured, e.g. `helia add`. */
  name: string
  /** Bytes processed per sample (for throughput). */
  bytes: number
  /** Elapsed seconds of each timed (non-warm-up) round, in order. */
  samples: number[]
}

/** Handed to each case for every round. */
export interface TrialContext {
  /** 0-based round number, warm-up rounds included. */
  round: number
  /** True in warm-up rounds, whose timings are discarded. */
  warmup: boolean
  /** Times `fn` and records the seconds under `name` (unless this is a warm-up round). */
  time<T>(name: string, bytes: number, fn: () => Promise<T>): Promise<T>
}

/** One case: does its untimed setup, calls `ctx.time` around the parts that count, cleans up. */
export type BenchCase = (ctx: TrialContext) => Promise<void>

/** How many rounds to run. */
export interface RoundOptions {
  /** Rounds run first and discarded (default 1). */
  warmup?: number
  /** Timed rounds (default 5). */
  runs?: number
  /** Called before each round, e.g. to print progress. */
  onRound?(round: number, warmup: boolean): void
}

/** Runs every case once per round, warm-up rounds first, and returns the measurements in first-seen order. */
export async function runRounds (cases: readonly BenchCase[], options: RoundOptions = {}): Promise<Measurement[]> {
  const warmupRounds = options.warmup ?? 1
  const runs = options.runs ?? 5
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`)
  const measurements = new Map<string, Measurement>()

  for (let round = 0; round < warmupRounds + runs; round++) {
    const warmup = round < warmupRounds
    options.onRound?.(round, warmup)
    const ctx: TrialContext = {
      round,
      warmup,
      async time (name, bytes, fn) {
        const { value, seconds } = await timed(fn)
        if (!warmup) record(measurements, name, bytes, seconds)
        return value
      }
    }
    for (const benchCase of cases) {
      await benchCase(ctx)
    }
  }
  return [...measurements.values()]
}

/** Repeats a single measurement: `runRounds` with one case that times `fn` as a whole. */
export async function repeat (name: string, bytes: number, fn: () => Promise<unknown>, options: RoundOptions = {}): Promise<Measurement> {
  const [measurement] = await runRounds([async (ctx) => { await ctx.time(name, bytes, fn) }], options)
  if (measurement === undefined) throw new Error(`no samples recorded for ${name}`)
  return measurement
}

function record (measurements: Map<string, Measurement>, name: string, bytes: number, seconds: number): void {
  const existing = measurements.get(name)
  if (existing === undefined) {
    measurements.set(name, { name, bytes, samples: [seconds] })
    return
  }
  if (existing.bytes !== bytes) throw new Error(`${name}: recorded with ${existing.bytes} and ${bytes} bytes`)
  existing.samples.push(seconds)
}
