import * as Y from 'yjs'
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
  readonly doc: Y.Doc
  private readonly pinMap: Y.Map<ClusterPin>
  private readonly peerMap: Y.Map<PeerMetrics>
  private readonly statusMap: Y.Map<PeerPinStatus>
  private readonly markMap: Y.Map<PeerMark>
  private readonly refMap: Y.Map<SharedReference>
  private readonly registryMap: Y.Map<unknown>

  constructor () {
    this.doc = new Y.Doc()
    this.pinMap = this.doc.getMap('pins')
    this.peerMap = this.doc.getMap('peers')
    this.statusMap = this.doc.getMap('status')
    this.markMap = this.doc.getMap('marks')
    this.refMap = this.doc.getMap('refs')
    this.registryMap = this.doc.getMap('registry')
  }

  /** Listen to changes; returns the function that stops listening. */
  onChange (listener: (change: StateChange) => void): () => void {
    const handler = (transaction: Y.Transaction): void => {
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
      listener(change)
    }
    this.doc.on('afterTransaction', handler)
    return () => { this.doc.off('afterTransaction', handler) }
  }

  /** Listen to the binary updates this document produces locally (what must be sent to other peers). */
  onLocalUpdate (listener: (update: Uint8Array) => void): () => void {
    const handler = (update: Uint8Array, origin: unknown): void => { if (origin !== REMOTE_ORIGIN) listener(update) }
    this.doc.on('update', handler)
    return () => { this.doc.off('update', handler) }
  }

  /** Apply an update from another peer (or from disk). */
  applyRemote (update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN)
  }

  /** The whole state (or what a peer with `stateVector` lacks) as one update. */
  encode (stateVector?: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector)
  }

  /** This document's state vector (what it has seen of every writer). */
  stateVector (): Uint8Array {
    return Y.encodeStateVector(this.doc)
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
