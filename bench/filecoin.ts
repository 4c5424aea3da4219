/**
 * Filecoin bench: provider scoring time for 1,000 providers with history, chain facts and an allow/deny list
 * (goal < 100 ms), against a plain sort of the same candidates by price in the same run as the baseline; and the
 * backend's put/get against the SDK's own upload/download on the same mocks (filecoin-io.ts).
 * `--quick` does fewer runs. Run alone: `node bench/filecoin.ts --quick`.
 */
import { fileURLToPath } from 'node:url'
import { scoreProviders } from '../node-relay/storage/filecoin/scoring.ts'
import { runFilecoinIoBench } from './filecoin-io.ts'
import { parseBenchArgs } from './lib/args.ts'
import { createReport, publishReport } from './lib/report.ts'
import type { ProviderCandidate } from '../node-relay/storage/filecoin/scoring.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection } from './lib/report.ts'

const GOAL_MS = 100

function candidates (n: number): ProviderCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    providerId: String(i + 1),
    pricePerTibMonth: 1 + (i * 7919) % 400 / 100,
    faultySectors: (i * 31) % 17,
    sectors: 1000 + i,
    history: { uploads: i % 50, uploadFailures: i % 3, retrievals: i % 80, retrievalFailures: i % 5, corruptReads: i % 11 === 0 ? 1 : 0, medianTtfbMs: 100 + (i % 900) }
  }))
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Time scoring 1,000 providers. */
export async function runFilecoinBench (args: Pick<BenchArgs, 'quick'>): Promise<BenchSection> {
  const runs = args.quick ? 5 : 30
  const list = candidates(1000)
  const deny = list.filter((_, i) => i % 97 === 0).map((c) => c.providerId)
  const ours: number[] = []
  const plain: number[] = []
  for (let r = 0; r < runs + 2; r++) {
    let t = performance.now()
    scoreProviders(list, { deny })
    const scored = performance.now() - t
    t = performance.now()
    ;[...list].sort((a, b) => a.pricePerTibMonth - b.pricePerTibMonth)
    const sorted = performance.now() - t
    if (r >= 2) { ours.push(scored); plain.push(sorted) }
  }
  const ms = median(ours)
  return {
    rows: [],
    goals: [{ description: `filecoin: score 1,000 providers < ${GOAL_MS} ms`, ratio: GOAL_MS / Math.max(ms, 1e-6), threshold: 1, pass: ms < GOAL_MS, measured: `${ms.toFixed(2)} ms`, target: `< ${GOAL_MS} ms` }],
    notes: [`filecoin: ${runs} runs after 2 warm-ups; scoring includes explanations for every provider`],
    tables: [{ title: 'Filecoin provider scoring (1,000 providers, median ms)', columns: ['what', 'ms'], rows: [['scoreProviders with --explain terms', Number(ms.toFixed(3))], ['baseline: sort by price only', Number(median(plain).toFixed(3))]] }]
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('filecoin', startedAt, args.quick, [await runFilecoinBench(args), await runFilecoinIoBench(args)]), { json: args.json })
}
