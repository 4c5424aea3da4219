import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { goalSeries, readReports, recordRuns } from '../../bench/lib/history.ts'
import { renderReportHtml, summaryLines } from '../../bench/report.ts'
import type { BenchReport } from '../../bench/lib/report.ts'

const report = (name: string, createdAt: string, quick: boolean, ratio: number): BenchReport => ({
  name,
  createdAt,
  quick,
  environment: { node: 'v22', platform: 'linux', arch: 'x64', cpu: 'test', cpus: 2, totalMemoryMiB: 1024, loadAverage: [0, 0, 0] },
  rows: [],
  goals: [{ description: 'S3 get ≥ 0.8× raw client', ratio, threshold: 0.8, pass: ratio >= 0.8 }],
  notes: []
})

describe('benchmark history report', () => {
  it('charts each goal across the full runs (quick runs and stray files left out) and records only new runs', async () => {
    const results = await mkdtemp(join(tmpdir(), 'ipfs-kit-bench-results-'))
    const history = await mkdtemp(join(tmpdir(), 'ipfs-kit-bench-history-'))
    try {
      await writeFile(join(results, 'storage-2.json'), JSON.stringify(report('storage', '2026-12-02T10:00:00.000Z', false, 0.9)))
      await writeFile(join(results, 'storage-1.json'), JSON.stringify(report('storage', '2026-12-01T10:00:00.000Z', false, 0.6)))
      await writeFile(join(results, 'storage-quick.json'), JSON.stringify(report('storage', '2026-12-03T10:00:00.000Z', true, 0.1)))
      await writeFile(join(results, 'notes.json'), '{"not": "a report"}')
      await writeFile(join(results, 'broken.json'), '{')

      expect((await recordRuns(results, history)).sort()).toEqual(['storage-1.json', 'storage-2.json'])
      expect(await recordRuns(results, history)).toEqual([])
      expect((await readdir(history)).sort()).toEqual(['storage-1.json', 'storage-2.json'])

      const series = goalSeries(await readReports(history))
      expect(series).toHaveLength(1)
      expect(series[0]?.points.map(p => p.ratio)).toEqual([0.6, 0.9]) // oldest first, whatever the file names
      const html = renderReportHtml(series, new Date('2026-12-04T00:00:00Z'))
      expect(html.match(/<circle class="fail"/g)).toHaveLength(1)
      expect(html.match(/<circle class="pass"/g)).toHaveLength(1)
      expect(html).toContain('class="threshold"')
      expect(html).toContain('S3 get ≥ 0.8× raw client')
      expect(summaryLines(series)).toEqual(['met      storage: S3 get ≥ 0.8× raw client: 0.90× (+50% since 2026-12-01)'])
    } finally {
      await rm(results, { recursive: true, force: true })
      await rm(history, { recursive: true, force: true })
    }
  })
})
