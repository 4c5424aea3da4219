/**
 * Cluster benchmark (`npx tsx bench/cluster.ts [--pins N] [--samples N]`): in one process, real libp2p + Helia
 * light peers over TCP running the cluster (Yjs state, signed envelopes, gossipsub + sync stream). Prints JSON and
 * a table:
 * - pin writes/s on one peer (allocate, sign, publish) and the time until a second peer holds all of them;
 * - a new peer's initial sync of the whole pinset (pins/s);
 * - pin → pinned latency (p50/p95) on another peer, content fetched over bitswap.
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { startLightPeer, waitFor } from '../test/cluster/support.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const PINS = arg('--pins', 10_000)
const SAMPLES = arg('--samples', 20)
// long heartbeats: no repair pass moves the benchmark's allocations while it runs
const QUIET = { heartbeatMs: 600_000, syncIntervalMs: 600_000, checkIntervalMs: 0, pinTimeoutMs: 10_000 }

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}

async function main (): Promise<void> {
  const a = await startLightPeer([], { name: 'bench', kind: 'relay', ...QUIET })
  const b = await startLightPeer(a.libp2p.getMultiaddrs().map(String), { name: 'bench', kind: 'relay', ...QUIET })
  await waitFor(() => b.cluster.state.peer(a.cluster.peerId) !== undefined && a.cluster.state.peer(b.cluster.peerId) !== undefined, 10_000, 'peers see each other')
  // pins allocated to a peer that never pins: this measures the replicated state, not fetching
  const elsewhere = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const cids: string[] = []
  for (let i = 0; i < PINS; i++) cids.push(CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`pin ${i}`))).toString())

  const writeStart = performance.now()
  for (const cid of cids) await a.cluster.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [elsewhere] })
  const writeMs = performance.now() - writeStart
  await waitFor(() => b.cluster.state.pinCount >= PINS, 120_000, 'second peer has every pin')
  const convergeMs = performance.now() - writeStart

  const syncStart = performance.now()
  const c = await startLightPeer(a.libp2p.getMultiaddrs().map(String), { name: 'bench', kind: 'relay', ...QUIET })
  await waitFor(() => c.cluster.state.pinCount >= PINS, 120_000, 'new peer synced')
  const syncMs = performance.now() - syncStart

  const latencies: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const added = await a.service.add(new TextEncoder().encode(`content ${i} ${Math.random()}`), { pin: false })
    const cid = added.cid.toString()
    const start = performance.now()
    await a.cluster.pin(cid, { replicationMin: 1, replicationMax: 1, allocations: [b.cluster.peerId] })
    await waitFor(() => b.cluster.tracker.stateOf(cid)?.state === 'pinned', 15_000, 'pinned on the other peer')
    latencies.push(performance.now() - start)
  }
  const stateBytes = a.cluster.state.encode().byteLength
  await Promise.all([a, b, c].map(async p => p.stop()))

  const result = {
    pins: PINS,
    writesPerSecond: Math.round(PINS / (writeMs / 1000)),
    convergeMs: Math.round(convergeMs),
    newPeerSyncMs: Math.round(syncMs),
    newPeerSyncPinsPerSecond: Math.round(PINS / (syncMs / 1000)),
    stateBytes,
    pinToPinnedMs: { samples: SAMPLES, p50: Math.round(percentile(latencies, 0.5)), p95: Math.round(percentile(latencies, 0.95)) }
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  console.table({
    'pin writes/s (one peer)': result.writesPerSecond,
    [`${PINS} pins on a 2nd peer (ms)`]: result.convergeMs,
    'new peer sync (pins/s)': result.newPeerSyncPinsPerSecond,
    'state size (bytes)': stateBytes,
    'pin → pinned p50 (ms)': result.pinToPinnedMs.p50,
    'pin → pinned p95 (ms)': result.pinToPinnedMs.p95
  })
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
