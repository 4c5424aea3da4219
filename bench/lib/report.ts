/**
 * Turns measurements into result rows with throughput ratios against baselines measured in the same run, checks
 * goals, and prints/writes the report: a markdown table for people and a JSON document for machines
 * (`bench/results/<name>-<timestamp>.json`, gitignored).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { median, percentile } from './stats.ts'
import type { Measurement } from './runner.ts'

/** Bytes in a MiB; throughput is reported in MiB/s. */
export const MIB = 1_048_576

/** One measured operation, summarised. */
export interface ResultRow {
  /** Which section and size the row belongs to, e.g. `node 64 MiB`; ratios only compare rows of one group. */
  group: string
  /** What was measured, e.g. `ours add`. */
  name: string
  /** Bytes processed per run. */
  bytes: number
  /** Timed runs (warm-ups excluded). */
  runs: number
  medianSeconds: number
  p90Seconds: number
  minSeconds: number
  maxSeconds: number
  /** `bytes / 1,048,576 / medianSeconds`. */
  mibPerSecond: number
  /**
   * Throughput of this row divided by the throughput of each named baseline row of the same group, from the
   * medians (2 means twice as fast as the baseline).
   */
  ratios: Record<string, number>
  /** Every timed run's seconds. */
  samplesSeconds: number[]
}

/** A target from an issue, checked against a ratio of this run. */
export interface Goal {
  description: string
  /** The measured throughput ratio. */
  ratio: number
  /** The ratio needed to pass. */
  threshold: number
  pass: boolean
  /** For goals on absolute values (req/s, ms): the measured value as text, shown instead of the ratio. */
  measured?: string
  /** For goals on absolute values: the target as text, shown instead of the threshold. */
  target?: string
}

/** A free-form results table (e.g. HTTP load runs), rendered after the throughput table. */
export interface ReportTable {
  title: string
  columns: string[]
  /** Cells are shown as given; numbers should be rounded already. */
  rows: Array<Array<string | number>>
}

/** One part of a benchmark run (e.g. the Node content benchmark, the browser IndexedDB one). */
export interface BenchSection {
  rows: ResultRow[]
  goals: Goal[]
  /** Free-form remarks: CIDs compared, parts skipped and why. */
  notes: string[]
  /** Results that are not throughput rows. */
  tables?: ReportTable[]
}

/** The whole document written to `bench/results`. */
export interface BenchReport extends BenchSection {
  name: string
  /** ISO time the run started. */
  createdAt: string
  quick: boolean
  environment: {
    node: string
    platform: string
    arch: string
    cpu: string
    cpus: number
    totalMemoryMiB: number
    loadAverage: number[]
  }
}

/** Builds a row from a measurement; `baselines` are rows of the same group already built. */
export function toRow (group: string, measurement: Measurement, baselines: readonly ResultRow[] = []): ResultRow {
  const medianSeconds = median(measurement.samples)
  const row: ResultRow = {
    group,
    name: measurement.name,
    bytes: measurement.bytes,
    runs: measurement.samples.length,
    medianSeconds,
    p90Seconds: percentile(measurement.samples, 90),
    minSeconds: Math.min(...measurement.samples),
    maxSeconds: Math.max(...measurement.samples),
    mibPerSecond: measurement.bytes / MIB / medianSeconds,
    ratios: {},
    samplesSeconds: measurement.samples
  }
  for (const baseline of baselines) {
    if (baseline.group !== group) throw new Error(`${row.name}: baseline ${baseline.name} is from group ${baseline.group}`)
    row.ratios[baseline.name] = throughputRatio(row, baseline)
  }
  return row
}

/** Throughput of `row` over throughput of `baseline` (a ratio of medians). */
export function throughputRatio (row: ResultRow, baseline: ResultRow): number {
  return (row.bytes / row.medianSeconds) / (baseline.bytes / baseline.medianSeconds)
}

/** Checks "`row` is at least `threshold` × `baseline`" in throughput. */
export function checkGoal (description: string, row: ResultRow, baseline: ResultRow, threshold: number): Goal {
  const ratio = throughputRatio(row, baseline)
  return { description, ratio, threshold, pass: ratio >= threshold }
}

/** Wraps sections into a report with the machine's description. */
export function createReport (name: string, startedAt: Date, quick: boolean, sections: readonly BenchSection[]): BenchReport {
  const cpuList = cpus()
  return {
    name,
    createdAt: startedAt.toISOString(),
    quick,
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpu: cpuList[0]?.model ?? 'unknown',
      cpus: cpuList.length,
      totalMemoryMiB: Math.round(totalmem() / MIB),
      loadAverage: loadavg().map(load => Math.round(load * 100) / 100)
    },
    rows: sections.flatMap(section => section.rows),
    goals: sections.flatMap(section => section.goals),
    notes: sections.flatMap(section => section.notes),
    tables: sections.flatMap(section => section.tables ?? [])
  }
}

/** The report as markdown: a results table, a goals table, notes. */
export function renderMarkdown (report: BenchReport): string {
  const { environment: env } = report
  const lines = [
    `## ${report.name} — ${report.createdAt}${report.quick ? ' (quick)' : ''}`,
    '',
    `Node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus}× ${env.cpu}, load ${env.loadAverage.join(' ')}`,
    '',
    '| group | name | size (MiB) | runs | median (s) | MiB/s | throughput ratio vs baseline |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |'
  ]
  for (const row of report.rows) {
    const ratios = Object.entries(row.ratios).map(([baseline, ratio]) => `${formatRatio(ratio)} ${baseline}`).join(', ')
    lines.push(`| ${row.group} | ${row.name} | ${formatNumber(row.bytes / MIB)} | ${row.runs} | ${row.medianSeconds.toFixed(3)} | ${formatNumber(row.mibPerSecond)} | ${ratios === '' ? '—' : ratios} |`)
  }
  lines.push('', 'MiB/s = bytes / 1,048,576 / median seconds. Ratio = this row\'s throughput ÷ the baseline\'s (medians, same run).')
  for (const table of report.tables ?? []) {
    lines.push('', `**${table.title}**`, '', `| ${table.columns.join(' | ')} |`, `| ${table.columns.map(() => '---').join(' | ')} |`)
    for (const row of table.rows) lines.push(`| ${row.join(' | ')} |`)
  }
  if (report.goals.length > 0) {
    lines.push('', '| goal | measured | needed | pass |', '| --- | ---: | ---: | --- |')
    for (const goal of report.goals) {
      lines.push(`| ${goal.description} | ${goal.measured ?? formatRatio(goal.ratio)} | ${goal.target ?? formatRatio(goal.threshold)} | ${goal.pass ? 'yes' : '**no**'} |`)
    }
  }
  if (report.notes.length > 0) {
    lines.push('', ...report.notes.map(note => `- ${note}`))
  }
  return lines.join('\n') + '\n'
}

/** Where result files go: `bench/results/`. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url))

/**
 * Writes the JSON to `bench/results/<name>-<timestamp>.json` and prints the markdown to stdout; with `json`,
 * stdout gets the JSON document instead and the markdown goes to stderr, so stdout stays parseable.
 * Returns the file's path.
 */
export async function publishReport (report: BenchReport, options: { json?: boolean } = {}): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const stamp = report.createdAt.replace(/[:.]/g, '-')
  const file = `${RESULTS_DIR}${report.name}-${stamp}.json`
  const json = JSON.stringify(report, null, 2) + '\n'
  await writeFile(file, json)
  const markdown = renderMarkdown(report) + `\nJSON: ${file}\n`
  if (options.json === true) {
    process.stderr.write(markdown)
    process.stdout.write(json)
  } else {
    process.stdout.write(markdown)
  }
  return file
}

function formatRatio (ratio: number): string {
  return `${ratio.toFixed(2)}×`
}

function formatNumber (value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)
}
