import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { NotFoundError } from '../errors/index.ts'
import { allocate, wantedCopies } from './allocator.ts'
import { mayWrite } from './envelope.ts'
import { ClusterReadOnlyError } from './errors.ts'
import { HoldingCheck } from './holding-check.ts'
import { PinTracker } from './pin-tracker.ts'
import { ReplicatedState } from './replicated-state.ts'
import { allocationCounts, candidatesOf, repairPass, repairedAllocations } from './repair.ts'
import { cidStatus, peerInfos } from './status.ts'
import { ClusterSync } from './sync.ts'
import { parseCid, validatePin } from './validate.ts'
import type { AbortOptions } from '../abort.ts'
import type { EventBus } from '../events/bus.ts'
import type { WriterPolicy } from './envelope.ts'
import type { HoldingResult } from './holding-check.ts'
import type { ClusterStateStore } from './persistence.ts'
import type { ClusterPinner } from './pin-tracker.ts'
import type { RepairView } from './repair.ts'
import type { StatusView } from './status.ts'
import type { SyncProgress } from './sync.ts'
import type { RebaseResult } from './compaction.ts'
import type { Epoch } from './epoch.ts'
import type { CidStatus, ClusterPeerInfo, ClusterPin, ClusterPinOptions, PeerKind } from './types.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** What a cluster peer is built from (libp2p-style components: only what it uses). */
export interface ClusterComponents {
  peerId: PeerId
  /** The libp2p peer key: it signs every state update. */
  privateKey: PrivateKey
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'dial' | 'getConnections' | 'getMultiaddrs' | 'addEventListener' | 'removeEventListener'>
  pubsub: Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'publish' | 'addEventListener' | 'removeEventListener'>
  /** Pins for real (the node's IpfsService). */
  pinner: ClusterPinner
  /** The node's local blocks (holding checks answer from these only). */
  localBlocks: Pick<Blockstore, 'get'>
  /** Free space of this peer's storage. */
  usage: (options?: AbortOptions) => Promise<{ freeSpace: number }>
  /** Keeps the state across restarts. */
  store?: ClusterStateStore
  events?: EventBus
  log?: (message: string) => void
}

/** A cluster peer's settings. */
export interface ClusterInit {
  /** The cluster's name: peers with the same name share one pinset. */
  name: string
  /** Shared secret: peers that know it may write. */
  secret?: string
  /** Peer ids that may write. With neither a secret nor trusted peers, only this peer writes (solo). */
  trustedPeers?: string[]
  kind: PeerKind
  tags?: string[]
  replicationMin?: number
  replicationMax?: number
  /** How often this peer publishes its metrics and runs repair (ms). */
  heartbeatMs?: number
  /** A peer silent this long loses its allocations (ms). */
  peerTimeoutMs?: number
  /** A pin whose DAG cannot be fetched within this time ends in `error` (ms). */
  pinTimeoutMs?: number
  /** How often one random allocated peer is challenged to prove it holds a pin (ms; 0 = never). */
  checkIntervalMs?: number
  /** How often pins in `error` are retried automatically (ms; IPFS Cluster's `pin_recover_interval`). */
  recoverIntervalMs?: number
  /** How long a peer that failed a holding check is avoided by the allocator (ms). */
  markTtlMs?: number
  /** How often to re-sync state vectors with a connected peer (anti-entropy, ms). */
  syncIntervalMs?: number
  /** How often the leader checks whether the state's history should be compacted (ms; 0 = never). */
  compactIntervalMs?: number
  /** Compact once more items are kept for removed or overwritten values than this, and than there are live entries. */
  compactMinTombstones?: number
}

type Settings = Required<Omit<ClusterInit, 'secret'>> & { secret?: string }

/** Defaults for a cluster's timings (production); tests pass short ones. */
export const CLUSTER_DEFAULTS = {
  replicationMin: 1, replicationMax: 3, heartbeatMs: 5_000, peerTimeoutMs: 30_000, pinTimeoutMs: 120_000, checkIntervalMs: 60_000, markTtlMs: 600_000, syncIntervalMs: 30_000, recoverIntervalMs: 720_000, compactIntervalMs: 60_000, compactMinTombstones: 10_000
} as const

/**
 * A cluster peer: a replicated pinset (Yjs over gossipsub + a sync stream, writes signed and limited to trusted
 * peers), peer metrics, a balanced allocator, a pin tracker that pins for real, self-repair and holding checks.
 */
export class Cluster {
  readonly name: string
  readonly state = new ReplicatedState()
  private readonly components: ClusterComponents
  private readonly settings: Settings
  private readonly policy: WriterPolicy
  private readonly sync: ClusterSync
  private readonly holding: HoldingCheck
  readonly tracker: PinTracker
  private readonly heard = new Map<string, number>()
  private readonly live = new Set<string>()
  private readonly lastDial = new Map<string, number>()
  private readonly rejectLogged = new Map<string, number>()
  private timers: Array<ReturnType<typeof setInterval>> = []
  private offChange: (() => void) | undefined
  private saveTimer: ReturnType<typeof setTimeout> | undefined
  private started = false
  /** Pins per peer, kept up to date by local pins and recomputed after remote changes (keeps bulk pinning linear). */
  private counts: Map<string, number> | undefined
  private readonly onConnect = (event: CustomEvent<PeerId>): void => { this.syncSoon(event.detail) }

  constructor (components: ClusterComponents, init: ClusterInit) {
    this.components = components
    this.settings = { ...CLUSTER_DEFAULTS, tags: [], trustedPeers: [], ...stripUndefined(init) }
    this.name = init.name
    const self = components.peerId.toString()
    this.policy = { cluster: init.name, self, trustedPeers: this.settings.trustedPeers, ...(init.secret === undefined ? {} : { secret: init.secret }) }
    const ns = `/ipfs-kit/cluster/${encodeURIComponent(init.name)}`
    this.sync = new ClusterSync({
      ...components,
      state: this.state,
      policy: this.policy,
      onReject: (peerId, reason, via) => { this.rejected(peerId, reason, via) },
      onSyncProgress: (peerId, progress) => { this.syncProgress(peerId, progress) },
      onNewerEpoch: (peerId) => { this.syncWithAuthor(peerId) },
      onAdopted: (peerId, epoch, rebase) => { this.adopted(peerId, epoch, rebase) }
    }, { topic: `ipfs-kit/cluster/${init.name}/1`, protocol: `${ns}/sync/2.0.0`, legacyProtocol: `${ns}/sync/1.0.0` })
    this.holding = new HoldingCheck(components, { protocol: `${ns}/holding/1.0.0` })
    this.tracker = new PinTracker({
      state: this.state,
      pinner: components.pinner,
      self,
      canWrite: () => this.writer,
      onState: (cid, status) => { components.events?.emit({ type: 'cluster:pin-state', cid, peerId: self, state: status.state, ...(status.error === undefined ? {} : { error: status.error }) }) }
    }, { cluster: init.name, pinTimeoutMs: this.settings.pinTimeoutMs })
  }

  /** This peer's id. */
  get peerId (): string { return this.policy.self }

  /** May this peer change the pinset? */
  get writer (): boolean { return mayWrite(this.policy) }

  /** The replication a pin gets when it names none (`cluster.replicationMin` / `cluster.replicationMax`). */
  get replication (): { min: number, max: number } {
    return { min: this.settings.replicationMin, max: this.settings.replicationMax }
  }

  /** Load the saved state, join the topic and the sync protocol, start tracking and the periodic work. */
  async start (options?: AbortOptions): Promise<void> {
    if (this.started) return
    const saved = await this.components.store?.load(options)
    if (saved !== undefined) this.state.restore(saved)
    const now = Date.now()
    // peers known from disk get one timeout of grace before they count as silent
    for (const metrics of this.state.peers()) this.heard.set(metrics.peerId, now)
    this.offChange = this.state.onChange(change => {
      const t = Date.now()
      for (const peer of change.peers) if (change.remote) this.heard.set(peer, t)
      if (change.pins) this.tracker.schedule()
      if (change.pins && change.remote) this.counts = undefined
      this.saveSoon()
    })
    await this.sync.start()
    await this.holding.start()
    await this.tracker.start(options)
    this.tracker.republish()
    this.components.libp2p.addEventListener('peer:connect', this.onConnect)
    this.started = true
    await this.heartbeat()
    this.timers = [
      setInterval(() => { void this.heartbeat() }, this.settings.heartbeatMs),
      setInterval(() => { this.antiEntropy() }, this.settings.syncIntervalMs),
      setInterval(() => { this.tracker.recoverErrors() }, this.settings.recoverIntervalMs)
    ]
    if (this.settings.checkIntervalMs > 0) this.timers.push(setInterval(() => { void this.checkRandom() }, this.settings.checkIntervalMs))
    if (this.settings.compactIntervalMs > 0) this.timers.push(setInterval(() => { this.compactIfDue() }, this.settings.compactIntervalMs))
    for (const conn of this.components.libp2p.getConnections()) this.syncSoon(conn.remotePeer)
  }

  /** Stop the periodic work and the protocols, and save the state. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    this.components.libp2p.removeEventListener('peer:connect', this.onConnect)
    await this.tracker.stop()
    await this.sync.stop().catch(() => {})
    await this.holding.stop().catch(() => {})
    this.offChange?.()
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer)
    await this.save()
  }

  /** Add (or update) a pin: allocated now by the balanced allocator, pinned by the allocated peers' trackers. */
  async pin (cid: CID | string, options: ClusterPinOptions & AbortOptions = {}): Promise<ClusterPin> {
    options.signal?.throwIfAborted()
    this.assertWriter()
    const request = validatePin(cid, options, this.settings)
    const key = request.cid.toString()
    this.counts ??= allocationCounts(this.state)
    const candidates = candidatesOf(this.repairView(), this.counts)
    const exclude = this.markedPeers()
    const available = candidates.filter(c => !exclude.has(c.metrics.peerId)).length
    const allocations = allocate({ pin: request, current: request.allocations, want: wantedCopies(request, available), candidates, exclude })
    const previous = this.state.pin(key)
    const pin: ClusterPin = {
      cid: key,
      name: request.name,
      replicationMin: request.replicationMin,
      replicationMax: request.replicationMax,
      allocations,
      tags: request.tags,
      ...(request.expireAt === undefined ? {} : { expireAt: request.expireAt }),
      metadata: request.metadata,
      addedAt: previous?.addedAt ?? Date.now(),
      addedBy: this.peerId
    }
    this.state.setPin(pin)
    for (const peer of previous?.allocations ?? []) this.counts.set(peer, (this.counts.get(peer) ?? 1) - 1)
    for (const peer of allocations) this.counts.set(peer, (this.counts.get(peer) ?? 0) + 1)
    return pin
  }

  /** Remove a pin from the pinset (every allocated peer unpins); `ERR_NOT_FOUND` when it is not in the pinset. */
  async unpin (cid: CID | string, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.assertWriter()
    const key = parseCid(cid).toString()
    if (this.state.pin(key) === undefined) throw new NotFoundError(`${key} is not in the cluster pinset`)
    this.state.deletePin(key)
    this.counts = undefined
  }

  /** The pinset. */
  pins (): ClusterPin[] {
    return this.state.pins().sort((a, b) => a.addedAt - b.addedAt)
  }

  /** Status of one CID across all peers. */
  status (cid: CID | string): CidStatus {
    return cidStatus(this.statusView(), parseCid(cid).toString())
  }

  /** Status of every pin. */
  statusAll (): CidStatus[] {
    const view = this.statusView()
    return this.pins().map(pin => cidStatus(view, pin.cid))
  }

  /** Every peer that published metrics, with liveness. */
  peers (): ClusterPeerInfo[] {
    return peerInfos(this.statusView())
  }

  /**
   * Retry a pin: peers holding it in `error` try again, and allocations to silent or marked peers move now.
   * `ERR_NOT_FOUND` when the CID is not in the pinset.
   */
  async recover (cid: CID | string, options?: AbortOptions): Promise<CidStatus> {
    options?.signal?.throwIfAborted()
    this.assertWriter()
    const key = parseCid(cid).toString()
    const pin = this.state.pin(key)
    if (pin === undefined) throw new NotFoundError(`${key} is not in the cluster pinset`)
    const view = this.repairView()
    const allocations = repairedAllocations(pin, view, candidatesOf(view), this.markedPeers())
    this.state.setPin({ ...pin, allocations, recoverAt: Date.now() })
    return this.status(key)
  }

  /** Run one repair pass now (the leader also runs one every heartbeat). */
  repair (): void {
    this.counts = undefined
    for (const action of repairPass(this.repairView())) {
      if (action.kind === 'expired') this.components.events?.emit({ type: 'cluster:repair', cid: action.cid, reason: 'expired', removed: [], added: [] })
      else this.components.events?.emit({ type: 'cluster:repair', cid: action.cid, reason: action.removed.length > 0 ? 'peer-silent' : 'under-replicated', removed: action.removed, added: action.added })
    }
  }

  /**
   * Challenge `peer` to prove it holds `cid`. A failed proof marks the peer and moves that pin's allocation to
   * another peer; network errors only reject (silence is handled by the peer timeout).
   */
  async checkHolding (cid: CID | string, peer: string, options?: AbortOptions): Promise<HoldingResult> {
    const key = parseCid(cid).toString()
    const result = await this.holding.challenge(peerIdFromString(peer), parseCid(key), options)
    if (!result.ok && this.writer) {
      this.log(`holding check: ${peer} failed for ${key}: ${result.reason}`)
      this.state.setMark(peer, { cid: key, reason: result.reason, by: this.peerId, at: Date.now() })
      const pin = this.state.pin(key)
      if (pin?.allocations.includes(peer) === true) {
        const view = this.repairView()
        const allocations = repairedAllocations(pin, view, candidatesOf(view), new Set([peer]))
        this.state.setPin({ ...pin, allocations })
        this.components.events?.emit({ type: 'cluster:repair', cid: key, reason: 'holding-check', removed: [peer], added: allocations.filter(p => !pin.allocations.includes(p)) })
      }
    }
    return result
  }

  /** Exchange state with one peer now (also done on every connect and periodically). */
  async syncWith (peer: PeerId, options?: AbortOptions): Promise<void> {
    await this.sync.syncWith(peer, options)
  }

  private assertWriter (): void {
    if (!this.writer) throw new ClusterReadOnlyError(`peer ${this.peerId} follows cluster ${this.name} read-only`)
  }

  private isLive (peerId: string): boolean {
    if (peerId === this.peerId) return true
    const heard = this.heard.get(peerId)
    return heard !== undefined && Date.now() - heard < this.settings.peerTimeoutMs
  }

  private markedPeers (): Set<string> {
    const now = Date.now()
    const marked = new Set<string>()
    for (const metrics of this.state.peers()) {
      const mark = this.state.mark(metrics.peerId)
      if (mark !== undefined && now - mark.at < this.settings.markTtlMs) marked.add(metrics.peerId)
    }
    return marked
  }

  private repairView (): RepairView {
    return { state: this.state, now: Date.now(), isLive: peer => this.isLive(peer), marked: this.markedPeers() }
  }

  private statusView (): StatusView {
    return {
      state: this.state,
      self: this.peerId,
      now: Date.now(),
      lastHeard: peer => this.heard.get(peer),
      isLive: peer => this.isLive(peer),
      localState: cid => this.tracker.stateOf(cid)
    }
  }

  /** Publish metrics, notice peers going silent or coming back, dial known peers, repair if leader. */
  private async heartbeat (): Promise<void> {
    if (!this.started) return
    if (this.writer) {
      const { freeSpace } = await this.components.usage().catch(() => ({ freeSpace: 0 }))
      this.state.setPeer({
        peerId: this.peerId,
        kind: this.settings.kind,
        freeSpace,
        pinnedBytes: this.tracker.pinnedBytes(),
        tags: this.settings.tags,
        lastSeen: Date.now(),
        addrs: this.components.libp2p.getMultiaddrs().map(String)
      })
    }
    const liveNow = new Set(this.state.peers().map(p => p.peerId).filter(p => this.isLive(p)))
    for (const peer of liveNow) if (!this.live.has(peer)) this.components.events?.emit({ type: 'cluster:peer', peerId: peer, live: true })
    for (const peer of this.live) if (!liveNow.has(peer)) this.components.events?.emit({ type: 'cluster:peer', peerId: peer, live: false })
    this.live.clear()
    for (const peer of liveNow) this.live.add(peer)
    this.dialKnownPeers()
    // the repair leader is the smallest live writer id: every peer computes the same one from the same state
    const leader = [...liveNow].sort()[0]
    if (this.writer && leader === this.peerId) this.repair()
  }

  /**
   * Dial members we have no connection to: live ones every 4 heartbeats, silent ones every `peerTimeoutMs` (a
   * silent peer sends nothing until someone dials it, so after a network partition heals only a dial reconnects).
   */
  private dialKnownPeers (): void {
    const now = Date.now()
    for (const metrics of this.state.peers()) {
      if (metrics.peerId === this.peerId || metrics.addrs.length === 0) continue
      if (this.components.libp2p.getConnections(peerIdFromString(metrics.peerId)).length > 0) continue
      const every = this.isLive(metrics.peerId) ? this.settings.heartbeatMs * 4 : Math.max(this.settings.heartbeatMs * 4, this.settings.peerTimeoutMs)
      if (now - (this.lastDial.get(metrics.peerId) ?? 0) < every) continue
      this.lastDial.set(metrics.peerId, now)
      const addrs = metrics.addrs.flatMap(a => { try { return [multiaddr(a)] } catch { return [] } })
      this.components.libp2p.dial(addrs, { signal: AbortSignal.timeout(this.settings.heartbeatMs * 4) }).catch(() => {})
    }
  }

  private syncSoon (peer: PeerId): void {
    if (this.sync.busyWith(peer.toString())) return
    this.sync.syncWith(peer).catch(() => {
      // the peer does not speak the protocol (not a cluster peer) or went away
    })
  }

  private antiEntropy (): void {
    const connections = this.components.libp2p.getConnections()
    const conn = connections[Math.floor(Math.random() * connections.length)]
    if (conn !== undefined) this.syncSoon(conn.remotePeer)
  }

  private async checkRandom (): Promise<void> {
    const targets: Array<{ cid: string, peer: string }> = []
    for (const pin of this.state.pins()) {
      for (const peer of pin.allocations) {
        if (peer !== this.peerId && this.isLive(peer) && this.state.status(peer, pin.cid)?.state === 'pinned') targets.push({ cid: pin.cid, peer })
      }
    }
    const target = targets[Math.floor(Math.random() * targets.length)]
    if (target === undefined) return
    await this.checkHolding(target.cid, target.peer).catch(() => {})
  }

  private rejected (peerId: string, reason: string, via: string): void {
    this.components.events?.emit({ type: 'cluster:rejected', peerId, reason, via })
    const now = Date.now()
    if (now - (this.rejectLogged.get(peerId) ?? 0) < 10_000) return
    this.rejectLogged.set(peerId, now)
    this.log(`cluster ${this.name}: ignored an update from ${peerId} (${reason}, via ${via})`)
  }

  /**
   * Compact the replicated state now: its live entries move into a new document (a new generation) and the history
   * of removed and overwritten values is dropped. Peers of the old generation move into it when they next sync with
   * this peer (it syncs with every connected peer now). Returns the state's size before and after, in bytes.
   */
  async compact (options?: AbortOptions): Promise<{ epoch: number, beforeBytes: number, afterBytes: number }> {
    options?.signal?.throwIfAborted()
    this.assertWriter()
    const beforeBytes = this.state.encode().byteLength
    const epoch = this.state.compact(this.peerId)
    const afterBytes = this.state.encode().byteLength
    this.components.events?.emit({ type: 'cluster:epoch', epoch: epoch.n, by: epoch.by, from: this.peerId, beforeBytes, afterBytes })
    this.log(`cluster ${this.name}: compacted the state into generation ${epoch.n} (${(beforeBytes / 1_048_576).toFixed(2)} → ${(afterBytes / 1_048_576).toFixed(2)} MiB)`)
    await this.save()
    for (const conn of this.components.libp2p.getConnections()) this.syncSoon(conn.remotePeer)
    return { epoch: epoch.n, beforeBytes, afterBytes }
  }

  /** The leader (smallest live writer) compacts once the history outgrows both the floor and the live entries. */
  private compactIfDue (): void {
    if (!this.started || !this.writer) return
    const live = [...this.live].sort()[0]
    if (live !== this.peerId) return
    const { tombstones, live: entries } = this.state.history()
    if (tombstones <= Math.max(this.settings.compactMinTombstones, entries)) return
    this.compact().catch((err: unknown) => { this.log(`cluster ${this.name}: compaction failed: ${String(err)}`) })
  }

  private syncWithAuthor (peerId: string): void {
    try {
      const peer = peerIdFromString(peerId)
      if (this.components.libp2p.getConnections(peer).length > 0) this.syncSoon(peer)
    } catch {
      // not a peer id: nothing to dial
    }
  }

  private adopted (peerId: string, epoch: Epoch, rebase: RebaseResult | undefined): void {
    const bytes = this.state.encode().byteLength
    this.components.events?.emit({ type: 'cluster:epoch', epoch: epoch.n, by: epoch.by, from: peerId, beforeBytes: bytes, afterBytes: bytes, ...(rebase === undefined ? {} : { rewritten: rebase.set + rebase.removed }) })
    const carried = rebase === undefined ? '' : `, ${rebase.set} entries written again and ${rebase.removed} removed again${rebase.fallback ? ' (from an unrelated generation: removals not carried over)' : ''}`
    this.log(`cluster ${this.name}: moved into state generation ${epoch.n} from ${peerId}${carried}`)
  }

  private syncProgress (peerId: string, progress: SyncProgress): void {
    this.components.events?.emit({ type: 'cluster:sync', peerId, ...progress })
    if (progress.done) this.log(`cluster ${this.name}: synced ${progress.chunks} chunks (${(progress.bytes / 1_048_576).toFixed(1)} MiB of state) from ${peerId}`)
  }

  private log (message: string): void {
    this.components.log?.(message)
  }

  private saveSoon (): void {
    if (this.saveTimer !== undefined || this.components.store === undefined) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      void this.save()
    }, 1000)
  }

  private async save (): Promise<void> {
    await this.components.store?.save(this.state.encodeForDisk()).catch((err: unknown) => { this.log(`cluster state not saved: ${String(err)}`) })
  }
}

function stripUndefined<T extends object> (value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
