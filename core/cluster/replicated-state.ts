import * as dagCbor from '@ipld/dag-cbor'
import * as Y from 'yjs'
import { compactDocument, countLive, countTombstones, rebaseInto } from './compaction.ts'
import { epochFromData, epochToData, FIRST_EPOCH } from './epoch.ts'
import type { RebaseResult } from './compaction.ts'
import type { Epoch } from './epoch.ts'
import type { ClusterPin, PeerMark, PeerMetrics, PeerPinStatus } from './types.ts'

/**
 * A storage reference mirrored into the cluster's state (the reference index entry of core/storage, kept as plain
 * JSON here so the cluster does not depend on storage): which backend holds a copy of which CID, its locator, size,
 * state and verification time, and the peer that last wrote it.
 */
export interface SharedReference {
  cid: string
  backend: string
  locator: string
  size: number
  state: 'ok' | 'corrupt' | 'missing'
  storedAt: string
  verifiedAt?: string
  markedAt?: string
  reason?: string
  /** Peer id of the relay that recorded it. */
  by: string
}

/** The maps of the state document. */
const MAPS = ['pins', 'peers', 'status', 'marks', 'refs', 'registry'] as const

function decodeDisk (saved: Uint8Array): { epoch: Epoch, update: Uint8Array } | undefined {
  try {
    const value: unknown = dagCbor.decode(saved)
    if (typeof value !== 'object' || value === null) return undefined
    const { v, epoch, u } = value as Record<string, unknown>
    const parsed = epochFromData(epoch)
    if (v !== 2 || parsed === undefined || !(u instanceof Uint8Array)) return undefined
    return { epoch: parsed, update: u }
  } catch {
    // a bare Yjs update (saved before generations existed)
    return undefined
  }
}

/** Origin tag of updates that came from other peers (they are applied, not re-broadcast). */
export const REMOTE_ORIGIN = Symbol('remote')

/** What changed in one transaction, so listeners re-check only what they must. */
export interface StateChange {
  pins: boolean
  /** Keys (`<cid>/<backend>`) of storage references that changed. */
  refs: Set<string>
  peers: Set<string>
  status: boolean
  marks: boolean
  /** Keys of model and dataset registry records that changed (core/registry). */
  registry: Set<string>
  remote: boolean
}

/**
 * The cluster's replicated state in one Yjs document: `pins` (CID → {@link ClusterPin}), `refs` (`<cid>/<backend>` →
 * {@link SharedReference}, the storage reference index shared by the relays), `peers` (peer id →
 * {@link PeerMetrics}, each written only by that peer), `status` (`peerId/cid` → {@link PeerPinStatus}, written
 * only by that peer) and `marks` (peer id → {@link PeerMark}, holding-check failures). Each map entry is a plain
 * value replaced whole (last writer wins per key), which is all the pinset needs.
 */
export class ReplicatedState {
  private current: Y.Doc
  private pinMap!: Y.Map<ClusterPin>
  private peerMap!: Y.Map<PeerMetrics>
  private statusMap!: Y.Map<PeerPinStatus>
  private markMap!: Y.Map<PeerMark>
  private refMap!: Y.Map<SharedReference>
  private registryMap!: Y.Map<unknown>
  private generation: Epoch = FIRST_EPOCH
  private readonly changeListeners = new Set<(change: StateChange) => void>()
  private readonly updateListeners = new Set<(update: Uint8Array) => void>()
  private readonly epochListeners = new Set<(epoch: Epoch) => void>()
  private readonly onTransaction = (transaction: Y.Transaction): void => { this.transactionDone(transaction) }
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === REMOTE_ORIGIN) return
    for (const listener of this.updateListeners) listener(update)
  }

  constructor () {
    this.current = new Y.Doc()
    this.attach(this.current)
  }

  /** The Yjs document of the current generation (replaced by a compaction). */
  get doc (): Y.Doc { return this.current }

  /** The generation of the state ({@link FIRST_EPOCH} until the first compaction). */
  get epoch (): Epoch { return this.generation }

  private attach (doc: Y.Doc): void {
    this.pinMap = doc.getMap('pins')
    this.peerMap = doc.getMap('peers')
    this.statusMap = doc.getMap('status')
    this.markMap = doc.getMap('marks')
    this.refMap = doc.getMap('refs')
    this.registryMap = doc.getMap('registry')
    doc.on('afterTransaction', this.onTransaction)
    doc.on('update', this.onUpdate)
  }

  private transactionDone (transaction: Y.Transaction): void {
    if (transaction.changed.size === 0) return
    const change: StateChange = { pins: false, refs: new Set(), peers: new Set(), status: false, marks: false, registry: new Set(), remote: transaction.origin === REMOTE_ORIGIN }
    for (const [type, keys] of transaction.changed) {
      const target: unknown = type
      if (target === this.pinMap) change.pins = true
      else if (target === this.statusMap) change.status = true
      else if (target === this.markMap) change.marks = true
      else if (target === this.refMap) {
        for (const key of keys) if (key !== null) change.refs.add(key)
      }
      else if (target === this.registryMap) {
        for (const key of keys) if (key !== null) change.registry.add(key)
      }
      else if (target === this.peerMap) for (const key of keys) if (key !== null) change.peers.add(key)
    }
    this.emitChange(change)
  }

  private emitChange (change: StateChange): void {
    for (const listener of this.changeListeners) listener(change)
  }

  /** Listen to changes; returns the function that stops listening. */
  onChange (listener: (change: StateChange) => void): () => void {
    this.changeListeners.add(listener)
    return () => { this.changeListeners.delete(listener) }
  }

  /** Listen to the binary updates this document produces locally (what must be sent to other peers). */
  onLocalUpdate (listener: (update: Uint8Array) => void): () => void {
    this.updateListeners.add(listener)
    return () => { this.updateListeners.delete(listener) }
  }

  /** Listen to generation changes (a compaction here, or a move into a newer one). */
  onEpoch (listener: (epoch: Epoch) => void): () => void {
    this.epochListeners.add(listener)
    return () => { this.epochListeners.delete(listener) }
  }

  /** Apply an update from another peer (or from disk). */
  applyRemote (update: Uint8Array): void {
    Y.applyUpdate(this.current, update, REMOTE_ORIGIN)
  }

  /** The whole state (or what a peer with `stateVector` lacks) as one update. */
  encode (stateVector?: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.current, stateVector)
  }

  /** This document's state vector (what it has seen of every writer). */
  stateVector (): Uint8Array {
    return Y.encodeStateVector(this.current)
  }

  /** Items kept for removed or overwritten values, and live entries: when the first outgrow the second, compact. */
  history (): { tombstones: number, live: number } {
    return { tombstones: countTombstones(this.current), live: countLive(this.current, MAPS) }
  }

  /**
   * Replace the document with a compacted one holding only the live entries, as generation `n + 1` by `by` (this
   * peer). Peers of the old generation move into it when they sync with a peer of the new one.
   */
  compact (by: string): Epoch {
    const old = this.generation
    const compacted = compactDocument(this.current, MAPS)
    this.swap(compacted.doc, { n: old.n + 1, by, parent: { n: old.n, by: old.by }, base: compacted.base, start: compacted.start })
    return this.generation
  }

  /**
   * Move into a newer generation: `next` is its document (as a peer of it sent it). When `rebase`, what this peer's
   * document knows and `next` lacks is written again as local updates (so it reaches the peers of the new generation).
   */
  adopt (epoch: Epoch, next: Y.Doc, rebase: boolean): RebaseResult | undefined {
    const old = this.current
    const oldEpoch = this.generation
    this.swap(next, epoch)
    if (!rebase) return undefined
    let result: RebaseResult | undefined
    this.current.transact(() => { result = rebaseInto(old, oldEpoch, next, epoch, MAPS) })
    return result
  }

  private swap (doc: Y.Doc, epoch: Epoch): void {
    const old = this.current
    old.off('afterTransaction', this.onTransaction)
    old.off('update', this.onUpdate)
    this.current = doc
    this.generation = epoch
    this.attach(doc)
    for (const listener of this.epochListeners) listener(epoch)
    // everything may have changed for a listener that keeps derived views
    const keys = (map: Y.Map<unknown>, before: Y.Map<unknown>): Set<string> => new Set([...map.keys(), ...before.keys()])
    this.emitChange({
      pins: true,
      refs: keys(this.refMap as Y.Map<unknown>, old.getMap('refs')),
      // not the peers: a peer counts as heard from when its metrics change, and moving them changes nothing
      peers: new Set(),
      status: true,
      marks: true,
      registry: keys(this.registryMap, old.getMap('registry')),
      remote: true
    })
  }

  /** The state as saved to disk: its generation and its document. */
  encodeForDisk (): Uint8Array {
    return dagCbor.encode({ v: 2, epoch: epochToData(this.generation), u: this.encode() })
  }

  /** Load what {@link encodeForDisk} saved (or, from earlier versions, a bare Yjs update). */
  restore (saved: Uint8Array): void {
    const disk = decodeDisk(saved)
    if (disk === undefined) {
      this.applyRemote(saved)
      return
    }
    if (disk.epoch.n === 0) {
      this.applyRemote(disk.update)
      return
    }
    const doc = new Y.Doc()
    Y.applyUpdate(doc, disk.update, REMOTE_ORIGIN)
    this.swap(doc, disk.epoch)
  }

  /** Run several writes as one update. */
  transact (fn: () => void): void {
    this.doc.transact(fn)
  }

  pin (cid: string): ClusterPin | undefined { return this.pinMap.get(cid) }
  pins (): ClusterPin[] { return [...this.pinMap.values()] }
  get pinCount (): number { return this.pinMap.size }
  setPin (pin: ClusterPin): void { this.pinMap.set(pin.cid, pin) }
  deletePin (cid: string): void { this.pinMap.delete(cid) }

  peer (peerId: string): PeerMetrics | undefined { return this.peerMap.get(peerId) }
  peers (): PeerMetrics[] { return [...this.peerMap.values()] }
  setPeer (metrics: PeerMetrics): void { this.peerMap.set(metrics.peerId, metrics) }

  status (peerId: string, cid: string): PeerPinStatus | undefined { return this.statusMap.get(`${peerId}/${cid}`) }
  setStatus (peerId: string, cid: string, status: PeerPinStatus): void { this.statusMap.set(`${peerId}/${cid}`, status) }
  deleteStatus (peerId: string, cid: string): void { this.statusMap.delete(`${peerId}/${cid}`) }
  /** Every reported status of `cid`, by peer id. */
  statusesOf (cid: string): Map<string, PeerPinStatus> {
    const out = new Map<string, PeerPinStatus>()
    const suffix = `/${cid}`
    for (const [key, value] of this.statusMap.entries()) {
      if (key.endsWith(suffix)) out.set(key.slice(0, -suffix.length), value)
    }
    return out
  }

  /** A copy of content on a shared storage backend, as the relay that recorded it saw it (`<cid>/<backend>`). */
  ref (key: string): SharedReference | undefined { return this.refMap.get(key) }
  refs (): Array<[string, SharedReference]> { return [...this.refMap.entries()] }
  setRef (key: string, ref: SharedReference): void { this.refMap.set(key, ref) }
  deleteRef (key: string): void { this.refMap.delete(key) }

  /**
   * A model or dataset registry record (`<kind>/<name>/v/<n>` or `<kind>/<name>/a/<alias>`), kept as plain JSON so the
   * cluster does not depend on the registry; the registry validates what it reads.
   */
  registryEntry (key: string): unknown { return this.registryMap.get(key) }
  registryEntries (): Array<[string, unknown]> { return [...this.registryMap.entries()] }
  setRegistryEntry (key: string, value: unknown): void { this.registryMap.set(key, value) }
  deleteRegistryEntry (key: string): void { this.registryMap.delete(key) }

  mark (peerId: string): PeerMark | undefined { return this.markMap.get(peerId) }
  setMark (peerId: string, mark: PeerMark): void { this.markMap.set(peerId, mark) }
}
