/**
 * `npm run bench:report`: the history of every goal's ratio across the full runs kept in `bench/history/`, as an
 * HTML page of SVG charts (written to `bench/results/report.html`) and a table on stdout with each goal's latest
 * value and its change since the previous run, so a regression shows at a glance.
 *
 * `--record` first copies the full runs in `bench/results/` that the history lacks (commit them with the change
 * they measure). `--include-results` charts `bench/results/` too, without recording it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { goalSeries, readReports, recordRuns } from './lib/history.ts'
import { goalChart } from './lib/svg-chart.ts'
import type { GoalSeries } from './lib/history.ts'

const HISTORY_DIR = fileURLToPath(new URL('./history/', import.meta.url))
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))

function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The report page: one chart per goal, grouped by benchmark. */
export function renderReportHtml (series: readonly GoalSeries[], generatedAt: Date): string {
  const benches = [...new Set(series.map(s => s.bench))]
  const sections = benches.map(bench => {
    const charts = series.filter(s => s.bench === bench).map(s => {
      const last = s.points.at(-1)
      const status = last === undefined ? '' : last.pass ? 'met' : 'not met'
      return `<figure>${goalChart(s)}<figcaption>${escapeHtml(s.description)} <b class="${last?.pass === true ? 'pass' : 'fail'}">${status}</b> (${s.points.length} run${s.points.length === 1 ? '' : 's'})</figcaption></figure>`
    }).join('\n')
    return `<h2>${escapeHtml(bench)}</h2>\n<div class="grid">${charts}</div>`
  }).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ipfs-kit benchmark history</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222 }
.grid { display: flex; flex-wrap: wrap; gap: 1rem }
figure { margin: 0; width: 360px } figcaption { font-size: 12px }
svg text { font-size: 10px; fill: #555 } .axis { stroke: #999 } .threshold { stroke: #888; stroke-dasharray: 4 3 }
.ratio { fill: none; stroke: #2a6fdb; stroke-width: 1.5 } circle.pass, b.pass { fill: #1b8a3a; color: #1b8a3a } circle.fail, b.fail { fill: #c62828; color: #c62828 }
</style></head><body>
<h1>Benchmark history</h1>
<p>Each chart is one goal: the measured ratio per full run (dots: green met, red not), the dashed line what the goal needs. Runs come from <code>bench/history/</code>; generated ${escapeHtml(generatedAt.toISOString())}.</p>
${sections}
</body></html>
`
}

/** Text lines: each goal's latest ratio, the previous one and whether it is met. */
export function summaryLines (series: readonly GoalSeries[]): string[] {
  return series.map(s => {
    const last = s.points.at(-1)
    const previous = s.points.at(-2)
    if (last === undefined) return ''
    const change = previous === undefined ? 'first run' : `${last.ratio >= previous.ratio ? '+' : ''}${(((last.ratio - previous.ratio) / (previous.ratio === 0 ? 1 : previous.ratio)) * 100).toFixed(0)}% since ${previous.at.slice(0, 10)}`
    return `${last.pass ? 'met    ' : 'NOT MET'}  ${s.bench}: ${s.description}: ${last.measured ?? `${last.ratio.toFixed(2)}×`} (${change})`
  }).filter(line => line !== '')
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { record: { type: 'boolean', default: false }, 'include-results': { type: 'boolean', default: false } } })
  if (values.record) {
    const copied = await recordRuns(RESULTS_DIR, HISTORY_DIR)
    process.stdout.write(copied.length === 0 ? 'no new full runs to record\n' : `recorded in bench/history/: ${copied.join(', ')}\n`)
  }
  const reports = [...await readReports(HISTORY_DIR), ...(values['include-results'] ? await readReports(RESULTS_DIR) : [])]
    .sort((a, b) => a.report.createdAt.localeCompare(b.report.createdAt))
  const series = goalSeries(reports)
  await mkdir(RESULTS_DIR, { recursive: true })
  const page = `${RESULTS_DIR}report.html`
  await writeFile(page, renderReportHtml(series, new Date()))
  process.stdout.write(`${summaryLines(series).join('\n')}\n\n${reports.length} runs, ${series.length} goals: ${page}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
