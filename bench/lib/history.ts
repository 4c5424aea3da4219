/**
 * The benchmark history: full (not `--quick`) runs' JSON documents kept in `bench/history/` (committed by hand when a
 * change lands, with `npm run bench:report -- --record`), read back as one series per goal.
 */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { BenchReport } from './report.ts'

/** One goal's result in one run. */
export interface GoalPoint {
  /** When the run started (ISO 8601). */
  at: string
  /** The run's file, relative to its directory. */
  file: string
  ratio: number
  threshold: number
  pass: boolean
  measured?: string
  target?: string
}

/** Every recorded result of one goal, oldest first. */
export interface GoalSeries {
  /** The benchmark the goal belongs to (`http`, `migration`, ...; `bench` for a whole `npm run bench`). */
  bench: string
  description: string
  points: GoalPoint[]
}

function isReport (value: unknown): value is BenchReport {
  if (typeof value !== 'object' || value === null) return false
  const report = value as Partial<BenchReport>
  return typeof report.name === 'string' && typeof report.createdAt === 'string' && typeof report.quick === 'boolean' && Array.isArray(report.goals)
}

/** The full runs' reports in `dir` (quick runs and files that are not reports are skipped), oldest first. */
export async function readReports (dir: string): Promise<Array<{ file: string, report: BenchReport }>> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter(name => name.endsWith('.json'))
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return []
    throw err
  }
  const reports: Array<{ file: string, report: BenchReport }> = []
  for (const name of names) {
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(join(dir, name), 'utf8'))
    } catch {
      continue
    }
    if (isReport(parsed) && !parsed.quick) reports.push({ file: name, report: parsed })
  }
  return reports.sort((a, b) => a.report.createdAt.localeCompare(b.report.createdAt))
}

/** One series per goal (by benchmark and description), in the order goals first appear; points oldest first. */
export function goalSeries (reports: ReadonlyArray<{ file: string, report: BenchReport }>): GoalSeries[] {
  const series = new Map<string, GoalSeries>()
  for (const { file, report } of reports) {
    for (const goal of report.goals) {
      if (!Number.isFinite(goal.ratio)) continue
      const key = `${report.name}\u0000${goal.description}`
      const found = series.get(key) ?? { bench: report.name, description: goal.description, points: [] }
      found.points.push({
        at: report.createdAt,
        file,
        ratio: goal.ratio,
        threshold: goal.threshold,
        pass: goal.pass,
        ...(goal.measured === undefined ? {} : { measured: goal.measured }),
        ...(goal.target === undefined ? {} : { target: goal.target })
      })
      series.set(key, found)
    }
  }
  return [...series.values()]
}

/** Copy the full runs in `results` that `history` does not hold yet; returns the names copied. */
export async function recordRuns (results: string, history: string): Promise<string[]> {
  await mkdir(history, { recursive: true })
  const kept = new Set((await readReports(history)).map(r => r.file))
  const copied: string[] = []
  for (const { file } of await readReports(results)) {
    if (kept.has(file)) continue
    await copyFile(join(results, file), join(history, basename(file)))
    copied.push(file)
  }
  return copied
}
