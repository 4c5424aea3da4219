/**
 * A small SVG line chart of one goal's history: the ratio per run, the threshold as a dashed line, passing runs
 * green and failing ones red. Plain SVG, so the report opens anywhere without scripts.
 */
import type { GoalSeries } from './history.ts'

const WIDTH = 360
const HEIGHT = 150
const PAD = { left: 40, right: 10, top: 10, bottom: 24 }

function escapeXml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** The chart for `series` as an `<svg>` element. */
export function goalChart (series: GoalSeries): string {
  const { points } = series
  const values = points.flatMap(p => [p.ratio, p.threshold])
  const top = Math.max(...values) * 1.1
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const x = (i: number): number => PAD.left + (points.length === 1 ? plotWidth / 2 : (i / (points.length - 1)) * plotWidth)
  const y = (v: number): number => PAD.top + plotHeight - (top === 0 ? 0 : (v / top) * plotHeight)
  const threshold = points.at(-1)?.threshold ?? 0
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.ratio).toFixed(1)}`).join(' ')
  const dots = points.map((p, i) => {
    const label = `${p.at.slice(0, 16).replace('T', ' ')}: ${p.measured ?? `${p.ratio.toFixed(2)}×`} (needs ${p.target ?? `${p.threshold}×`})`
    return `<circle class="${p.pass ? 'pass' : 'fail'}" cx="${x(i).toFixed(1)}" cy="${y(p.ratio).toFixed(1)}" r="3.5"><title>${escapeXml(label)}</title></circle>`
  }).join('')
  const first = points[0]?.at.slice(0, 10) ?? ''
  const last = points.at(-1)?.at.slice(0, 10) ?? ''
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(series.description)}">`,
    `<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotHeight}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotHeight}"/>`,
    `<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${top.toFixed(2)}</text>`,
    `<text x="${PAD.left - 4}" y="${PAD.top + plotHeight}" text-anchor="end">0</text>`,
    `<line class="threshold" x1="${PAD.left}" y1="${y(threshold).toFixed(1)}" x2="${WIDTH - PAD.right}" y2="${y(threshold).toFixed(1)}"><title>needed: ${threshold}</title></line>`,
    `<polyline class="ratio" points="${line}"/>`,
    dots,
    `<text x="${PAD.left}" y="${HEIGHT - 6}">${escapeXml(first)}</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 6}" text-anchor="end">${escapeXml(last)}</text>`,
    '</svg>'
  ].join('')
}
