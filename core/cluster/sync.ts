import * as dagCbor from '@ipld/dag-cbor'
import { lpStream } from '@libp2p/utils'
import * as Y from 'yjs'
import { checkEnvelope, mayWrite, openEnvelope, sealEnvelope } from './envelope.ts'
import { compareEpochs, epochFromData, epochKey, epochToData, FIRST_EPOCH, parseEpochKey } from './epoch.ts'
import { encodeStateAsChunks, SYNC_CHUNK_BYTES } from './update-chunks.ts'
import type { AbortOptions } from '../abort.ts'
import type { Epoch, EpochId } from './epoch.ts'
import type { Envelope, RejectReason, WriterPolicy } from './envelope.ts'
import type { RebaseResult } from './compaction.ts'
import type { ReplicatedState } from './replicated-state.ts'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Connection, Libp2p, PeerId, PrivateKey, Stream } from '@libp2p/interface'

/** What the sync layer needs from libp2p. */
export interface ClusterSyncComponents {
  peerId: PeerId
  privateKey: PrivateKey
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
  pubsub: Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'publish' | 'addEventListener' | 'removeEventListener'>
  state: ReplicatedState
  policy: WriterPolicy
  /** An update (or sync diff) was refused: logged and counted by the caller. */
  onReject?: (peerId: string, reason: RejectReason, via: 'gossip' | 'sync') => void
  /** A trusted update from `peerId` was applied. */
  onRemoteUpdate?: (peerId: string) => void
  /** A chunk of a state sync from `peerId` was applied (a new peer's first sync of a large state comes in many). */
  onSyncProgress?: (peerId: string, progress: SyncProgress) => void
  /** A trusted gossip message from `peerId` belongs to a newer state generation: sync with it to move there. */
  onNewerEpoch?: (peerId: string) => void
  /** This peer moved into a newer state generation that `peerId` sent. */
  onAdopted?: (peerId: string, epoch: Epoch, rebase: RebaseResult | undefined) => void
}

/** How far a chunked state sync from one peer has come. */
export interface SyncProgress {
  /** Chunks applied so far. */
  chunks: number
  /** Bytes of state applied so far. */
  bytes: number
  /** The sender has sent its last chunk. */
  done: boolean
}

/** Settings of the sync layer. */
export interface ClusterSyncInit {
  topic: string
  /** The chunked sync protocol (`…/sync/2.0.0`), dialled first. */
  protocol: string
  /** The one-message sync protocol of earlier versions (`…/sync/1.0.0`), still answered and dialled as a fallback. */
  legacyProtocol?: string
  /**
   * Time limit of one state-vector exchange (default 120 s: a new peer's first sync of a 100k-pin state is ~30 MiB
   * and took over 10 s on a loaded 2-core machine, so the old 10 s limit aborted it every time).
   */
  syncTimeoutMs?: number
  /**
   * Largest sync message accepted. The chunked protocol sends chunks of about {@link SYNC_CHUNK_BYTES} (and a delete
   * set in one piece); the legacy protocol sends the whole state in one update, hence the high default.
   */
  maxMessageBytes?: number
  /** Target size of one chunk sent by the chunked protocol. */
  chunkBytes?: number
}

interface SyncMessage {
  sv?: Uint8Array
  u?: Uint8Array
  /** Chunked protocol: the sender's last chunk was the one before (its value is the number of chunks sent). */
  end?: number
  /** Chunked protocol: the answering peer is already syncing with the dialler through a stream it dialled. */
  busy?: boolean
  /** Chunked protocol: the sender's state generation (`epochKey`; absent or `''` for the first). */
  e?: string
  /** Chunked protocol: the chunks that follow are the whole document of this newer generation. */
  mig?: Epoch
}

function decodeSync (bytes: Uint8Array): SyncMessage {
  const value: unknown = dagCbor.decode(bytes)
  if (typeof value !== 'object' || value === null) return {}
  const { sv, u, end, busy, e, mig } = value as Record<string, unknown>
  return {
    sv: sv instanceof Uint8Array ? sv : undefined,
    u: u instanceof Uint8Array ? u : undefined,
    end: typeof end === 'number' ? end : undefined,
    busy: busy === true,
    e: typeof e === 'string' ? e : undefined,
    mig: mig === undefined ? undefined : epochFromData(mig)
  }
}

type LpStream = ReturnType<typeof lpStream>

/**
 * Moves the Yjs state between peers: every local update is sealed (signed by the peer key, MAC'd with the cluster
 * secret) and published on the cluster's gossipsub topic; on connect (and periodically) two peers exchange state
 * vectors over a libp2p protocol stream and send each other what the other lacks, in chunks of about 1 MiB
 * (`update-chunks.ts`). Updates whose author is not a trusted writer are ignored and reported through `onReject`;
 * anyone may read (followers sync read-only).
 *
 * Every message names the state generation it belongs to (`epoch.ts`). Updates of another generation are never
 * applied: in a sync, the peer of the newer generation sends its whole document, and the other moves into it
 * (`ReplicatedState.adopt`, which writes again what it had changed); gossip from a newer generation starts a sync.
 */
export class ClusterSync {
  private readonly components: ClusterSyncComponents
  private readonly init: Required<Omit<ClusterSyncInit, 'legacyProtocol'>> & Pick<ClusterSyncInit, 'legacyProtocol'>
  private offLocal: (() => void) | undefined
  private pending: Uint8Array[] = []
  /** The state generation of the updates in `pending`. */
  private pendingEpoch = ''
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private readonly onMessage = (event: CustomEvent<Message>): void => { void this.receiveGossip(event.detail) }
  /** Peers this peer is syncing with now (either side of the stream), with how many syncs. */
  private readonly active = new Map<string, number>()
  /** Peers this peer dialled a sync to that has not ended. */
  private readonly dialling = new Set<string>()
  /** Syncs other peers dialled to this one, by peer, until they end. */
  private readonly answering = new Map<string, Promise<void>>()

  constructor (components: ClusterSyncComponents, init: ClusterSyncInit) {
    this.components = components
    this.init = { syncTimeoutMs: 120_000, maxMessageBytes: 256 * 1024 * 1024, chunkBytes: SYNC_CHUNK_BYTES, ...init }
  }

  async start (): Promise<void> {
    const { libp2p, pubsub, state } = this.components
    await libp2p.handle(this.init.protocol, (stream, connection) => { void this.answer(stream, connection) }, { runOnLimitedConnection: true })
    const legacy = this.init.legacyProtocol
    if (legacy !== undefined) await libp2p.handle(legacy, (stream, connection) => { void this.answerLegacy(stream, connection) }, { runOnLimitedConnection: true })
    pubsub.subscribe(this.init.topic)
    pubsub.addEventListener('message', this.onMessage)
    this.offLocal = state.onLocalUpdate(update => { this.queue(update) })
  }

  async stop (): Promise<void> {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    await this.flush()
    this.offLocal?.()
    this.offLocal = undefined
    this.components.pubsub.removeEventListener('message', this.onMessage)
    this.components.pubsub.unsubscribe(this.init.topic)
    await this.components.libp2p.unhandle(this.init.protocol)
    if (this.init.legacyProtocol !== undefined) await this.components.libp2p.unhandle(this.init.legacyProtocol)
  }

  private async seal (payload: Uint8Array, epoch?: string): Promise<Uint8Array> {
    const { policy, privateKey } = this.components
    return sealEnvelope({ cluster: policy.cluster, from: policy.self, privateKey, secret: policy.secret, epoch }, payload)
  }

  /**
   * Local updates made within a few milliseconds go out as one merged update (one signature, one gossip message):
   * a burst of pins costs a handful of messages instead of one each.
   */
  private queue (update: Uint8Array): void {
    const epoch = epochKey(this.components.state.epoch)
    // updates of two generations never merge: send the older ones first
    if (epoch !== this.pendingEpoch) void this.flush()
    this.pendingEpoch = epoch
    this.pending.push(update)
    if (this.pending.length >= 256) {
      void this.flush()
      return
    }
    this.flushTimer ??= setTimeout(() => { void this.flush() }, 5)
  }

  private async flush (): Promise<void> {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const updates = this.pending
    this.pending = []
    if (updates.length === 0) return
    await this.broadcast(updates.length === 1 ? updates[0] ?? new Uint8Array() : Y.mergeUpdates(updates), this.pendingEpoch)
  }

  private async broadcast (update: Uint8Array, epoch: string): Promise<void> {
    try {
      await this.components.pubsub.publish(this.init.topic, await this.seal(update, epoch))
    } catch {
      // no peer on the topic yet: the state-vector sync on the next connect delivers it
    }
  }

  /**
   * Check an envelope and apply its update when the author may write (to the state, or to `into`, the document of a
   * generation being received); returns whether it was applied.
   */
  private async accept (envelope: Envelope, update: Uint8Array, via: 'gossip' | 'sync', into?: Y.Doc): Promise<boolean> {
    if (!await this.trusted(envelope, via)) return false
    if (into === undefined) this.components.state.applyRemote(update)
    else Y.applyUpdate(into, update)
    this.components.onRemoteUpdate?.(envelope.f)
    return true
  }

  private async trusted (envelope: Envelope, via: 'gossip' | 'sync'): Promise<boolean> {
    const reason = await checkEnvelope(this.components.policy, envelope)
    if (reason === undefined) return true
    this.components.onReject?.(envelope.f, reason, via)
    return false
  }

  private async receiveGossip (message: Message): Promise<void> {
    if (message.topic !== this.init.topic) return
    const envelope = openEnvelope(message.data)
    if (envelope === undefined) {
      this.components.onReject?.(message.type === 'signed' ? message.from.toString() : 'unknown', 'bad-signature', 'gossip')
      return
    }
    if (envelope.f === this.components.policy.self) return
    try {
      const theirs = parseEpochKey(envelope.e)
      if (theirs === undefined) return
      const order = compareEpochs(theirs, this.components.state.epoch)
      if (order === 0) {
        await this.accept(envelope, envelope.p, 'gossip')
      } else if (order > 0 && await this.trusted(envelope, 'gossip')) {
        // an update of a newer generation cannot apply to our document: move there through a sync with its author
        this.components.onNewerEpoch?.(envelope.f)
      }
      // an update of an older generation: its author moves when it next syncs with a peer of ours
    } catch {
      // a malformed update: Yjs throws, the peer's next sync repairs any gap
    }
  }

  /**
   * Is a sync with `peer` under way (dialled by either side)? Automatic syncs skip such a peer: two peers that connect
   * both start one, and each would otherwise send the other its whole state twice.
   */
  busyWith (peer: string): boolean {
    return (this.active.get(peer) ?? 0) > 0
  }

  private begin (peer: string): () => void {
    this.active.set(peer, (this.active.get(peer) ?? 0) + 1)
    return () => {
      const left = (this.active.get(peer) ?? 1) - 1
      if (left > 0) this.active.set(peer, left)
      else this.active.delete(peer)
    }
  }

  /** Exchange state with `peer` now: both sides end up with the union (of what trusted writers wrote). */
  async syncWith (peer: PeerId, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const remote = peer.toString()
    const end = this.begin(remote)
    this.dialling.add(remote)
    try {
      // refused as busy: the peer is syncing with us through a stream it dialled; once that ends, ours is cheap
      for (let attempt = 0; !await this.exchange(peer, options); attempt++) {
        if (attempt === 3) throw new Error(`${remote} stayed busy syncing with this peer`)
        await (this.answering.get(remote) ?? new Promise(resolve => setTimeout(resolve, 100 * (attempt + 1))))
      }
    } finally {
      this.dialling.delete(remote)
      end()
    }
  }

  /** One sync over one stream; `false` when the peer answered that it is busy syncing with us already. */
  private async exchange (peer: PeerId, options: AbortOptions): Promise<boolean> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.init.syncTimeoutMs), ...(options.signal === undefined ? [] : [options.signal])])
    const protocols = this.init.legacyProtocol === undefined ? [this.init.protocol] : [this.init.protocol, this.init.legacyProtocol]
    const stream = await this.components.libp2p.dialProtocol(peer, protocols, { signal, runOnLimitedConnection: true })
    try {
      const lp = this.lp(stream)
      const { state } = this.components
      if (stream.protocol === this.init.legacyProtocol) {
        // a peer of an earlier version knows only the first generation
        if (state.epoch.n === 0) {
          await lp.write(await this.seal(dagCbor.encode({ sv: state.stateVector() })), { signal })
          await this.syncLegacy(lp, peer.toString(), signal)
        }
      } else {
        const epoch = state.epoch
        await lp.write(await this.seal(dagCbor.encode({ sv: state.stateVector(), e: epochKey(epoch) })), { signal })
        const header = await this.readFrom(lp, peer.toString(), signal)
        if (header.busy === true) {
          await stream.close({ signal })
          return false
        }
        await this.receiveChunks(lp, peer.toString(), epoch, signal)
        await this.sendChunks(lp, header.sv, parseEpochKey(header.e) ?? FIRST_EPOCH, signal)
      }
      await stream.close({ signal })
      return true
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }

  /**
   * The chunked protocol, answering side: read the dialler's state vector, send ours, then what it lacks in chunks
   * and an end marker; then apply what it sends back the same way.
   */
  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    const done = this.answerChunked(stream, remote)
    this.answering.set(remote, done)
    await done
    if (this.answering.get(remote) === done) this.answering.delete(remote)
  }

  private async answerChunked (stream: Stream, remote: string): Promise<void> {
    const signal = AbortSignal.timeout(this.init.syncTimeoutMs)
    const end = this.begin(remote)
    try {
      const lp = this.lp(stream)
      const { sv, e } = await this.readFrom(lp, remote, signal)
      // both peers dialled at once (on connect): the sync dialled by the smaller peer id goes on; the other dialler
      // hears "busy", waits for that one to end, and then syncs what is left (little)
      if (this.dialling.has(remote) && this.components.policy.self < remote) {
        await lp.write(await this.seal(dagCbor.encode({ busy: true })), { signal })
        await stream.close({ signal })
        return
      }
      // anyone may read: a follower gets the state even though its own writes will be refused
      const { state } = this.components
      const epoch = state.epoch
      await lp.write(await this.seal(dagCbor.encode({ sv: state.stateVector(), e: epochKey(epoch) })), { signal })
      await this.sendChunks(lp, sv, parseEpochKey(e) ?? FIRST_EPOCH, signal)
      await this.receiveChunks(lp, remote, epoch, signal)
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      end()
    }
  }

  private lp (stream: Stream): LpStream {
    // maxBufferSize too: libp2p's byte stream aborts past 4 MiB buffered otherwise, and a large state never arrived
    return lpStream(stream, { maxDataLength: this.init.maxMessageBytes, maxBufferSize: this.init.maxMessageBytes })
  }

  /** Read one sealed sync message that must come from `remote`. */
  private async readFrom (lp: LpStream, remote: string, signal: AbortSignal): Promise<SyncMessage & { envelope: Envelope }> {
    const envelope = openEnvelope((await lp.read({ signal })).subarray())
    if (envelope === undefined || envelope.f !== remote) throw new Error('bad sync message')
    return { ...decodeSync(envelope.p), envelope }
  }

  /**
   * Send what the peer lacks, chunk by chunk (each sealed), then the end marker. Of the same generation: what its
   * state vector lacks. Of an older one: our generation and our whole document, to move into. Of a newer one: nothing
   * (it sends us its document instead).
   */
  private async sendChunks (lp: LpStream, stateVector: Uint8Array | undefined, remote: EpochId, signal: AbortSignal): Promise<void> {
    const { state } = this.components
    const order = compareEpochs(state.epoch, remote)
    let sent = 0
    if (order >= 0) {
      if (order > 0) await lp.write(await this.seal(dagCbor.encode({ mig: epochToData(state.epoch) })), { signal })
      for (const chunk of encodeStateAsChunks(state.doc, order > 0 ? undefined : stateVector, this.init.chunkBytes)) {
        await lp.write(await this.seal(dagCbor.encode({ u: chunk })), { signal })
        sent++
      }
    }
    await lp.write(await this.seal(dagCbor.encode({ end: sent })), { signal })
  }

  /**
   * Apply chunks from `remote` as they arrive (the writer check runs on each), until its end marker. Chunks of our
   * generation (`expected`, as it was when the headers were exchanged) go into our document; after a `mig` message
   * they build the newer generation's document, which we move into at the end.
   */
  private async receiveChunks (lp: LpStream, remote: string, expected: EpochId, signal: AbortSignal): Promise<void> {
    const { state } = this.components
    const progress: SyncProgress = { chunks: 0, bytes: 0, done: false }
    let migration: { epoch: Epoch, doc: Y.Doc } | undefined
    for (;;) {
      const message = await this.readFrom(lp, remote, signal)
      if (message.end !== undefined) break
      if (message.mig !== undefined) {
        if (!await this.trusted(message.envelope, 'sync') || compareEpochs(message.mig, state.epoch) <= 0) throw new Error('unexpected state generation')
        migration = { epoch: message.mig, doc: new Y.Doc() }
        continue
      }
      if (message.u === undefined) throw new Error('bad sync chunk')
      // our document moved to another generation meanwhile (through another sync): these chunks no longer apply
      if (migration === undefined && compareEpochs(state.epoch, expected) !== 0) throw new Error('state generation changed during sync')
      if (!await this.accept(message.envelope, message.u, 'sync', migration?.doc)) continue
      progress.chunks++
      progress.bytes += message.u.byteLength
      // a routine sync is two small chunks (new structs, the delete set): only a larger one reports progress
      if (progress.chunks > 2) this.components.onSyncProgress?.(remote, { ...progress })
    }
    if (progress.chunks > 2) this.components.onSyncProgress?.(remote, { ...progress, done: true })
    if (migration !== undefined && compareEpochs(migration.epoch, state.epoch) > 0) {
      const rebase = state.adopt(migration.epoch, migration.doc, mayWrite(this.components.policy))
      this.components.onAdopted?.(remote, migration.epoch, rebase)
    }
  }

  /** The one-message protocol of earlier versions, dialling side (after our state vector was sent). */
  private async syncLegacy (lp: LpStream, remote: string, signal: AbortSignal): Promise<void> {
    const reply = await this.readFrom(lp, remote, signal)
    if (reply.u !== undefined) await this.accept(reply.envelope, reply.u, 'sync')
    if (reply.sv !== undefined) await lp.write(await this.seal(dagCbor.encode({ u: this.components.state.encode(reply.sv) })), { signal })
  }

  /** The one-message protocol of earlier versions, answering side: a peer running an older ipfs-kit dialled us. */
  private async answerLegacy (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.init.syncTimeoutMs)
    const remote = connection.remotePeer.toString()
    try {
      const lp = this.lp(stream)
      const { state } = this.components
      // a peer of an earlier version knows only the first generation: documents of two generations must not mix
      if (state.epoch.n > 0) throw new Error('this cluster compacted its state; upgrade the peer to sync')
      const { sv } = await this.readFrom(lp, remote, signal)
      await lp.write(await this.seal(dagCbor.encode({ u: state.encode(sv), sv: state.stateVector() })), { signal })
      const back = openEnvelope((await lp.read({ signal })).subarray())
      if (back !== undefined && back.f === remote) {
        const { u } = decodeSync(back.p)
        if (u !== undefined) await this.accept(back, u, 'sync')
      }
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
