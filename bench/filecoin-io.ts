/**
 * Filecoin backend put/get against the Synapse SDK's own upload/download, on the same SDK mocks in the same run
 * (goal: the backend at least 0.8× the SDK's throughput). The backend's put builds and verifies the CAR, computes
 * the PieceCID itself and records the copies; its get verifies every block against the root. The SDK's calls move
 * the same CAR bytes. Both talk to the mocks in this process (msw), so this measures client-side work, not a network.
 */
import { fileURLToPath } from 'node:url'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { createContentStore } from '../core/content/index.ts'
import { dagToCar } from '../core/storage/index.ts'
import { createFilecoinBackend } from '../node-relay/storage/filecoin/index.ts'
import { mockSynapse } from '../test/support/synapse-client.ts'
import { startSynapseProviders } from '../test/support/synapse-providers.ts'
import { parseBenchArgs } from './lib/args.ts'
import { createReport, publishReport } from './lib/report.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection } from './lib/report.ts'

const GOAL = 0.8

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function carOf (source: MemoryBlockstore, root: Parameters<typeof dagToCar>[1]): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of dagToCar(source, root)) parts.push(part)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const part of parts) { out.set(part, offset); offset += part.byteLength }
  return out
}

/** Time put/get through the backend and upload/download through the SDK. */
export async function runFilecoinIoBench (args: Pick<BenchArgs, 'quick'>): Promise<BenchSection> {
  const runs = args.quick ? 3 : 10
  const size = args.quick ? 1 << 20 : 8 << 20
  const providers = startSynapseProviders()
  try {
    const times = { put: [] as number[], upload: [] as number[], get: [] as number[], download: [] as number[] }
    // one backend for every run, as a relay keeps one: its provider ranking (registry reads) is reused for a minute
    const backend = createFilecoinBackend({ name: 'bench', synapse: mockSynapse(), copies: 2 })
    for (let r = 0; r < runs + 1; r++) {
      const source = new MemoryBlockstore()
      const bytes = new Uint8Array(size)
      for (let i = 0; i < size; i += 4096) bytes[i] = (i * 31 + r) & 0xff
      const { cid } = await createContentStore({ blockstore: source }).add(bytes, { chunker: { type: 'fixed', size: 256 * 1024 } })
      const synapse = mockSynapse()

      let t = performance.now()
      await backend.put(cid, source)
      const put = performance.now() - t
      t = performance.now()
      let blocks = 0
      for await (const block of backend.get(cid)) blocks += block.bytes.byteLength > 0 ? 1 : 0
      const get = performance.now() - t

      const car = await carOf(source, cid)
      t = performance.now()
      const uploaded = await synapse.storage.upload(car, { copies: 2 })
      const upload = performance.now() - t
      t = performance.now()
      const downloaded = await synapse.storage.download({ pieceCid: uploaded.pieceCid })
      const download = performance.now() - t
      if (downloaded.byteLength !== car.byteLength || blocks === 0) throw new Error('the bench read back the wrong bytes')
      if (r === 0) continue // warm-up
      times.put.push(put); times.get.push(get); times.upload.push(upload); times.download.push(download)
    }
    const m = { put: median(times.put), get: median(times.get), upload: median(times.upload), download: median(times.download) }
    const putRatio = m.upload / Math.max(m.put, 1e-6)
    const getRatio = m.download / Math.max(m.get, 1e-6)
    const mib = size / (1 << 20)
    return {
      rows: [],
      goals: [
        { description: `filecoin: backend put ≥ ${GOAL}× the SDK's upload`, ratio: putRatio / GOAL, threshold: 1, pass: putRatio >= GOAL, measured: `${putRatio.toFixed(2)}×`, target: `≥ ${GOAL}×` },
        { description: `filecoin: backend get ≥ ${GOAL}× the SDK's download`, ratio: getRatio / GOAL, threshold: 1, pass: getRatio >= GOAL, measured: `${getRatio.toFixed(2)}×`, target: `≥ ${GOAL}×` }
      ],
      notes: [`filecoin io: ${runs} runs of ${mib} MiB after a warm-up, two copies, on @filoz/synapse-core's mocks in this process (client-side cost only); the backend puts on the providers it ranked (ranking reused across runs, as in a relay)`],
      tables: [{
        title: `Filecoin put/get vs the SDK (${mib} MiB, median ms)`,
        columns: ['what', 'ms', 'MiB/s'],
        rows: [
          ['backend put (CAR + PieceCID + upload + records)', Number(m.put.toFixed(1)), Number((mib / (m.put / 1000)).toFixed(1))],
          ['SDK storage.upload (same CAR)', Number(m.upload.toFixed(1)), Number((mib / (m.upload / 1000)).toFixed(1))],
          ['backend get (every block verified)', Number(m.get.toFixed(1)), Number((mib / (m.get / 1000)).toFixed(1))],
          ['SDK storage.download (same piece)', Number(m.download.toFixed(1)), Number((mib / (m.download / 1000)).toFixed(1))]
        ]
      }]
    }
  } finally {
    providers.stop()
  }
}

// `node bench/filecoin-io.ts [--quick] [--json]`: this section alone (npm run bench runs it with bench/filecoin.ts)
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('bench-filecoin-io', startedAt, args.quick, [await runFilecoinIoBench(args)]), { json: args.json })
  process.exit(process.exitCode ?? 0)
}
