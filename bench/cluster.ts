/**
 * Cluster benchmark: real libp2p + Helia light peers over TCP in one process running the cluster (Yjs state,
 * signed envelopes, gossipsub + sync stream). Part of `npm run bench` (`runClusterBench`), or alone:
 * `npx tsx bench/cluster.ts [--quick] [--json]` (env `CLUSTER_BENCH_PINS`, `CLUSTER_BENCH_PEERS` override sizes).
 *
 * - pin → pinned latency (p50/p95): a pin written on one peer, allocated to another of a 10-peer cluster
 *   (quick: 3), until that peer reports `pinned`; the content is fetched over bitswap.
 * - pin writes/s on one peer, and the time until a second peer holds all of them.
 * - a new peer's initial sync of a 100k-pin pinset (quick: 2k), in pins/s.
 *
 * Goals from issue 5: p95 < 1 s; sync ≥ 5,000 pins/s (IPFS Cluster publishes ~600/s).
 */
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ReplicatedState } from '../core/cluster/replicated-state.ts'
import { encodeStateAsChunks } from '../core/cluster/update-chunks.ts'
import { EventBus } from '../core/events/bus.ts'
import { startLightPeer, waitFor } from '../test/cluster/support.ts'
import { parseBenchArgs } from './lib/args.ts'
import { createReport, publishReport } from './lib/report.ts'
import { percentile } from './lib/stats.ts'
import type { ClusterPin } from '../core/cluster/types.ts'
import type { LightPeer } from '../test/cluster/support.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection, Goal } from './lib/report.ts'

/** Long heartbeats: no repair pass moves the benchmark's allocations while it runs. */
const QUIET = { name: 'bench', kind: 'relay', heartbeatMs: 600_000, syncIntervalMs: 600_000, checkIntervalMs: 0, pinTimeoutMs: 10_000 } as const
/** The latency cluster: heartbeats and anti-entropy on (peers learn of each other), no peer ever deemed silent. */
/** Longest wait for one latency sample. */
const SAMPLE_TIMEOUT_MS = 30_000
const LIVE = { ...QUIET, heartbeatMs: Number(process.env.CLUSTER_BENCH_HEARTBEAT_MS ?? 1000), syncIntervalMs: 2000, peerTimeoutMs: 600_000 } as const

/** What one run measured. */
export interface ClusterBenchResult {
  peers: number
  samples: number
  /** Pin → pinned on the allocated peer, ms (capped at the per-sample timeout). */
  latencyMs: number[]
  /** Samples not pinned within the per-sample timeout. */
  timedOut: number
  pins: number
  writesPerSecond: number
  /** From the first write until a second peer holds every pin. */
  convergeMs: number
  newPeerSyncMs: number
  newPeerSyncPinsPerSecond: number
  stateBytes: number
  /** The new peer's first sync: messages (chunks) sent, and the largest one. */
  firstSyncChunks: number
  firstSyncLargestChunkBytes: number
  /** Chunks the new peer reported applying (`cluster:sync` events; none when the sync took two chunks or fewer). */
  firstSyncChunksApplied: number
  /** Encoded state after `pins` pins were added and 90% of them removed, and a fresh state holding the same live pins. */
  churnedStateBytes: number
  freshStateBytes: number
  /** The churned state before compaction, and how long compaction took. */
  uncompactedStateBytes: number
  compactMs: number
}

/** A state holding `pins` pins added one transaction each, 90% then removed (oldest first), then compacted: its size against a fresh state with the survivors. */
function measureChurn (pins: number): Pick<ClusterBenchResult, 'churnedStateBytes' | 'freshStateBytes' | 'uncompactedStateBytes' | 'compactMs'> {
  const pin = (i: number): ClusterPin => ({
    // a key as long as a CIDv1 string (59 characters); the state does not parse it
    cid: `bafkrei${i.toString(32).padStart(52, 'a')}`,
    name: `pin ${i}`, replicationMin: 1, replicationMax: 2, allocations: ['12D3KooWBenchPeerAllocationPlaceholderXXXXXXXXXXXX'], tags: [], metadata: {}, addedAt: 1_700_000_000_000 + i, addedBy: '12D3KooWBenchPeerWriterPlaceholderXXXXXXXXXXXXXXXX'
  })
  const removed = Math.floor(pins * 0.9)
  const churned = new ReplicatedState()
  for (let i = 0; i < pins; i++) churned.setPin(pin(i))
  for (let i = 0; i < removed; i++) churned.deletePin(pin(i).cid)
  const fresh = new ReplicatedState()
  for (let i = removed; i < pins; i++) fresh.setPin(pin(i))
  const uncompactedStateBytes = churned.encode().byteLength
  // what the leader does once removed entries outnumber the live ones (and `compactMinTombstones`)
  const start = performance.now()
  churned.compact('12D3KooWBenchPeerWriterPlaceholderXXXXXXXXXXXXXXXX')
  const compactMs = performance.now() - start
  return { churnedStateBytes: churned.encode().byteLength, uncompactedStateBytes, compactMs, freshStateBytes: fresh.encode().byteLength }
}

/** Issue 18: state size proportional to live pins, within this factor of a fresh state holding them. */
const CHURN_GOAL = 1.25
/** Issue 18: the first sync in bounded chunks (each sync message is a chunk of about 1 MiB, core/cluster/update-chunks.ts). */
const SYNC_CHUNK_MIB = 4

function mib (bytes: number): string {
  return (bytes / 1_048_576).toFixed(2)
}

const T0 = performance.now()
function log (message: string): void { process.stderr.write(`[cluster +${((performance.now() - T0) / 1000).toFixed(1)} s] ${message}\n`) }

function envInt (name: string): number | undefined {
  const value = Number(process.env[name])
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/** Start `n` peers, each bootstrapped from the first, and wait until every peer knows every other. */
async function startCluster (n: number, init: typeof QUIET | typeof LIVE): Promise<LightPeer[]> {
  const first = await startLightPeer([], init)
  const bootstrap = first.libp2p.getMultiaddrs().map(String)
  const peers = [first]
  for (let i = 1; i < n; i++) peers.push(await startLightPeer(bootstrap, init))
  const ms = await waitFor(() => peers.every(p => peers.every(q => p.cluster.state.peer(q.cluster.peerId) !== undefined)), 30_000, 'every peer knows every other')
  // members dial the members they learn of (every 4 heartbeats); bitswap asks connected peers only
  const meshMs = await waitFor(() => peers.every(p => peers.every(q => p === q || p.libp2p.getConnections(q.libp2p.peerId).length > 0)), 30_000, 'every peer connected to every other')
  log(`${n} peers know each other after ${ms} ms, all connected after ${ms + meshMs} ms`)
  return peers
}

/** Pin → pinned latency in an `n`-peer cluster: the writer rotates, the allocated peer is the next one. */
async function measureLatency (n: number, samples: number): Promise<{ latencies: number[], timedOut: number }> {
  const peers = await startCluster(n, LIVE)
  try {
    log('measuring')
    const latencies: number[] = []
    let timedOut = 0
    for (let i = 0; i < samples; i++) {
      const writer = peers[i % n]
      const holder = peers[(i + 1) % n]
      if (writer === undefined || holder === undefined) throw new RangeError('no peer')
      const added = await writer.service.add(new TextEncoder().encode(`content ${i} ${Math.random()}`), { pin: false })
      const cid = added.cid.toString()
      const start = performance.now()
      await writer.cluster.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [holder.cluster.peerId] })
      // a sample that never gets pinned counts as SAMPLE_TIMEOUT_MS (so p95 is a lower bound) and is reported
      await waitFor(() => holder.cluster.tracker.stateOf(cid)?.state === 'pinned', SAMPLE_TIMEOUT_MS, 'pinned on the allocated peer').catch(() => { timedOut++ })
      latencies.push(Math.min(SAMPLE_TIMEOUT_MS, performance.now() - start))
      if (process.env.CLUSTER_BENCH_VERBOSE === '1') log(`sample ${i}: ${(performance.now() - start).toFixed(0)} ms`)
    }
    return { latencies, timedOut }
  } finally {
    await Promise.allSettled(peers.map(async p => p.stop()))
    log('peers stopped')
  }
}

/** Write `pins` pins on one peer, wait for a second peer to hold them all, then time a new peer's initial sync. */
async function measureSync (pins: number): Promise<Pick<ClusterBenchResult, 'pins' | 'writesPerSecond' | 'convergeMs' | 'newPeerSyncMs' | 'newPeerSyncPinsPerSecond' | 'stateBytes' | 'firstSyncChunks' | 'firstSyncLargestChunkBytes' | 'firstSyncChunksApplied'>> {
  const [a, b] = await startCluster(2, QUIET)
  if (a === undefined || b === undefined) throw new RangeError('no peer')
  const peers = [a, b]
  try {
    // pins allocated to a peer that never pins: this measures the replicated state, not fetching
    const elsewhere = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const cids: string[] = []
    for (let i = 0; i < pins; i++) cids.push(CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`pin ${i}`))).toString())
    const writeStart = performance.now()
    for (const cid of cids) await a.cluster.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [elsewhere] })
    const writeMs = performance.now() - writeStart
    await waitFor(() => b.cluster.state.pinCount >= pins, 600_000, 'second peer has every pin')
    const convergeMs = performance.now() - writeStart
    log(`${pins} pins written in ${(writeMs / 1000).toFixed(1)} s, on a second peer after ${(convergeMs / 1000).toFixed(1)} s; new peer joins`)
    // what the first sync sends a peer with nothing: the same chunks the sync stream carries
    const chunks = [...encodeStateAsChunks(a.cluster.state.doc, undefined)].map(c => c.byteLength)
    let applied = 0
    const events = new EventBus()
    events.subscribe(e => { if (e.type === 'cluster:sync' && !e.done) applied = Math.max(applied, e.chunks) })
    const syncStart = performance.now()
    const c = await startLightPeer(a.libp2p.getMultiaddrs().map(String), QUIET, { events })
    peers.push(c)
    await waitFor(() => c.cluster.state.pinCount >= pins, 180_000, 'new peer synced')
    const syncMs = performance.now() - syncStart
    return {
      pins,
      writesPerSecond: pins / (writeMs / 1000),
      convergeMs,
      newPeerSyncMs: syncMs,
      newPeerSyncPinsPerSecond: pins / (syncMs / 1000),
      stateBytes: a.cluster.state.encode().byteLength,
      firstSyncChunks: chunks.length,
      firstSyncLargestChunkBytes: Math.max(...chunks),
      firstSyncChunksApplied: applied
    }
  } finally {
    await Promise.allSettled(peers.map(async p => p.stop()))
    log('peers stopped')
  }
}

/** Runs both parts; `quick`: 3 peers, 5 samples, 2,000 pins (a few seconds). */
export async function measureCluster (args: Pick<BenchArgs, 'quick'>): Promise<ClusterBenchResult> {
  const peers = envInt('CLUSTER_BENCH_PEERS') ?? (args.quick ? 3 : 10)
  const samples = envInt('CLUSTER_BENCH_SAMPLES') ?? (args.quick ? 5 : 40)
  const pins = envInt('CLUSTER_BENCH_PINS') ?? (args.quick ? 2_000 : 100_000)
  log(`pin → pinned latency in a ${peers}-peer cluster, ${samples} samples`)
  const { latencies: latencyMs, timedOut } = await measureLatency(peers, samples)
  log(`new-peer sync of ${pins} pins`)
  const sync = await measureSync(pins)
  log(`state size after ${pins} pins added and 90% removed`)
  return { peers, samples, latencyMs, timedOut, ...sync, ...measureChurn(pins) }
}

/** The `npm run bench` section: a table and issue 5's goals; a failure becomes a note and a non-zero exit code. */
export async function runClusterBench (args: Pick<BenchArgs, 'quick'>): Promise<BenchSection> {
  let r: ClusterBenchResult
  try {
    r = await measureCluster(args)
  } catch (err) {
    process.exitCode = 1
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`cluster bench failed: ${message}\n`)
    return { rows: [], goals: [], notes: [`cluster: failed — ${message.split('\n')[0] ?? ''}`] }
  }
  const p50 = percentile(r.latencyMs, 50)
  const p95 = percentile(r.latencyMs, 95)
  const goals: Goal[] = [
    { description: `cluster: pin → pinned p95 < 1 s (${r.peers} peers)`, ratio: 1000 / p95, threshold: 1, pass: p95 < 1000, measured: `${p95.toFixed(0)} ms`, target: '< 1000 ms' },
    {
      description: `cluster: state after ${r.pins} pins added and 90% removed ≤ ${CHURN_GOAL}× a fresh state holding the same pins`,
      ratio: CHURN_GOAL / (r.churnedStateBytes / r.freshStateBytes),
      threshold: 1,
      pass: r.churnedStateBytes <= CHURN_GOAL * r.freshStateBytes,
      measured: `${(r.churnedStateBytes / r.freshStateBytes).toFixed(2)}× after compaction (${mib(r.churnedStateBytes)} vs ${mib(r.freshStateBytes)} MiB; ${(r.uncompactedStateBytes / r.freshStateBytes).toFixed(2)}× before)`,
      target: `≤ ${CHURN_GOAL}×`
    },
    {
      description: `cluster: a new peer's first sync of ${r.pins} pins comes in messages ≤ ${SYNC_CHUNK_MIB} MiB (bounded memory)`,
      ratio: SYNC_CHUNK_MIB / (r.firstSyncLargestChunkBytes / 1_048_576),
      threshold: 1,
      pass: r.firstSyncLargestChunkBytes <= SYNC_CHUNK_MIB * 1_048_576,
      measured: `${r.firstSyncChunks} messages for ${mib(r.stateBytes)} MiB, the largest ${mib(r.firstSyncLargestChunkBytes)} MiB`,
      target: `≤ ${SYNC_CHUNK_MIB} MiB per message`
    },
    { description: `cluster: new peer syncs ${r.pins} pins at ≥ 5,000 pins/s`, ratio: r.newPeerSyncPinsPerSecond / 5000, threshold: 1, pass: r.newPeerSyncPinsPerSecond >= 5000, measured: `${r.newPeerSyncPinsPerSecond.toFixed(0)} pins/s`, target: '≥ 5,000 pins/s' }
  ]
  return {
    rows: [],
    goals,
    notes: [`cluster: light peers (libp2p TCP + Helia, memory stores) in one process; latency = pin written on one peer until the allocated next peer reports pinned (content over bitswap); ` +
      'sync = pins allocated to an absent peer, so only the replicated Yjs state is measured; IPFS Cluster publishes ~600 pins/s'],
    tables: [{
      title: 'Cluster',
      columns: ['measure', 'value'],
      rows: [
        [`pin → pinned p50 (${r.peers} peers, ${r.samples} samples)`, `${p50.toFixed(0)} ms`],
        [`pin → pinned p95 (${r.peers} peers, ${r.samples} samples)`, `${p95.toFixed(0)} ms`],
        ['latency samples not pinned within 30 s', String(r.timedOut)],
        ['pin writes on one peer', `${r.writesPerSecond.toFixed(0)} /s`],
        [`${r.pins} pins held by a 2nd peer after`, `${(r.convergeMs / 1000).toFixed(2)} s`],
        [`new peer syncs ${r.pins} pins in`, `${(r.newPeerSyncMs / 1000).toFixed(2)} s (${r.newPeerSyncPinsPerSecond.toFixed(0)} pins/s)`],
        ['state size', `${(r.stateBytes / 1_048_576).toFixed(2)} MiB`],
        ['first sync: messages, largest', `${r.firstSyncChunks}, ${mib(r.firstSyncLargestChunkBytes)} MiB (${r.firstSyncChunksApplied} applied with progress events)`],
        [`state after ${r.pins} pins added and 90% removed`, `${mib(r.uncompactedStateBytes)} MiB, compacted ${mib(r.churnedStateBytes)} MiB in ${r.compactMs.toFixed(0)} ms`],
        [`fresh state with the same ${r.pins - Math.floor(r.pins * 0.9)} pins`, `${mib(r.freshStateBytes)} MiB`]
      ]
    }]
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('bench-cluster', startedAt, args.quick, [await runClusterBench(args)]), { json: args.json })
  process.exit(process.exitCode ?? 0)
}
