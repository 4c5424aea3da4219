/**
 * Command-line options shared by the benchmark entries.
 *
 * `--quick` (or env `BENCH_QUICK=1`): 8 MiB, one run, no warm-up — a CI smoke test that takes seconds.
 * `--json`: print the JSON document on stdout (the markdown goes to stderr).
 * `--sizes 64,1024`: sizes in MiB. `--runs N`, `--warmup N`: override the per-size defaults.
 * `--no-browser`: skip the browser part in `bench/run.ts`; `--no-http`: skip the relay HTTP part.
 */
import { parseArgs } from 'node:util'

export interface BenchArgs {
  quick: boolean
  json: boolean
  browser: boolean
  /** Run the relay HTTP benchmark (`bench/http.ts`) in `bench/run.ts`. */
  http: boolean
  /** Data sizes in MiB. */
  sizesMiB: number[]
  /** Timed runs per size; undefined means the per-size default (see `roundsFor`). */
  runs?: number
  /** Warm-up rounds per size; undefined means the per-size default. */
  warmup?: number
}

/** Default sizes: 64 MiB and 1 GiB. */
export const DEFAULT_SIZES_MIB = [64, 1024]
/** The size `--quick` uses. */
export const QUICK_SIZE_MIB = 8

/** Parses `argv` (without node and script) and the environment. */
export function parseBenchArgs (argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'no-browser': { type: 'boolean', default: false },
      'no-http': { type: 'boolean', default: false },
      sizes: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' }
    },
    strict: true,
    allowPositionals: false
  })
  const quick = values.quick || env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true'
  const sizesMiB = values.sizes === undefined
    ? (quick ? [QUICK_SIZE_MIB] : DEFAULT_SIZES_MIB)
    : values.sizes.split(',').map(size => positiveInteger('--sizes', size))
  return {
    quick,
    json: values.json,
    browser: !values['no-browser'],
    http: !values['no-http'],
    sizesMiB,
    runs: values.runs === undefined ? (quick ? 1 : undefined) : positiveInteger('--runs', values.runs),
    warmup: values.warmup === undefined ? (quick ? 0 : undefined) : nonNegativeInteger('--warmup', values.warmup)
  }
}

/** Rounds for one size: explicit options win; else 1 warm-up + 5 runs up to 256 MiB, 0 + 3 above. */
export function roundsFor (sizeMiB: number, args: Pick<BenchArgs, 'runs' | 'warmup'>): { warmup: number, runs: number } {
  const large = sizeMiB > 256
  return {
    warmup: args.warmup ?? (large ? 0 : 1),
    runs: args.runs ?? (large ? 3 : 5)
  }
}

function positiveInteger (flag: string, text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${flag} wants positive integers, got "${text}"`)
  return value
}

function nonNegativeInteger (flag: string, text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${flag} wants an integer ≥ 0, got "${text}"`)
  return value
}
