import * as dagCbor from '@ipld/dag-cbor'
import { lpStream } from '@libp2p/utils'
import { mergeUpdates } from 'yjs'
import { checkEnvelope, openEnvelope, sealEnvelope } from './envelope.ts'
import type { AbortOptions } from '../abort.ts'
import type { Envelope, RejectReason, WriterPolicy } from './envelope.ts'
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
}

/** Settings of the sync layer. */
export interface ClusterSyncInit {
  topic: string
  protocol: string
  /**
   * Time limit of one state-vector exchange (default 120 s: a new peer's first sync of a 100k-pin state is ~30 MiB
   * and took over 10 s on a loaded 2-core machine, so the old 10 s limit aborted it every time).
   */
  syncTimeoutMs?: number
  /** Largest sync message (the whole state in one update). */
  maxMessageBytes?: number
}

interface SyncMessage {
  sv?: Uint8Array
  u?: Uint8Array
}

function decodeSync (bytes: Uint8Array): SyncMessage {
  const value: unknown = dagCbor.decode(bytes)
  if (typeof value !== 'object' || value === null) return {}
  const { sv, u } = value as Record<string, unknown>
  return { sv: sv instanceof Uint8Array ? sv : undefined, u: u instanceof Uint8Array ? u : undefined }
}

/**
 * Moves the Yjs state between peers: every local update is sealed (signed by the peer key, MAC'd with the cluster
 * secret) and published on the cluster's gossipsub topic; on connect (and periodically) two peers exchange state
 * vectors over a libp2p protocol stream and send each other what the other lacks. Updates whose author is not a
 * trusted writer are ignored and reported through `onReject`; anyone may read (followers sync read-only).
 */
export class ClusterSync {
  private readonly components: ClusterSyncComponents
  private readonly init: Required<ClusterSyncInit>
  private offLocal: (() => void) | undefined
  private pending: Uint8Array[] = []
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private readonly onMessage = (event: CustomEvent<Message>): void => { void this.receiveGossip(event.detail) }

  constructor (components: ClusterSyncComponents, init: ClusterSyncInit) {
    this.components = components
    this.init = { syncTimeoutMs: 120_000, maxMessageBytes: 256 * 1024 * 1024, ...init }
  }

  async start (): Promise<void> {
    const { libp2p, pubsub, state } = this.components
    await libp2p.handle(this.init.protocol, (stream, connection) => { void this.answer(stream, connection) }, { runOnLimitedConnection: true })
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
  }

  private async seal (payload: Uint8Array): Promise<Uint8Array> {
    const { policy, privateKey } = this.components
    return sealEnvelope({ cluster: policy.cluster, from: policy.self, privateKey, secret: policy.secret }, payload)
  }

  /**
   * Local updates made within a few milliseconds go out as one merged update (one signature, one gossip message):
   * a burst of pins costs a handful of messages instead of one each.
   */
  private queue (update: Uint8Array): void {
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
    await this.broadcast(updates.length === 1 ? updates[0] ?? new Uint8Array() : mergeUpdates(updates))
  }

  private async broadcast (update: Uint8Array): Promise<void> {
    try {
      await this.components.pubsub.publish(this.init.topic, await this.seal(update))
    } catch {
      // no peer on the topic yet: the state-vector sync on the next connect delivers it
    }
  }

  /** Check an envelope and apply its update when the author may write; returns whether it was applied. */
  private async accept (envelope: Envelope, update: Uint8Array, via: 'gossip' | 'sync'): Promise<boolean> {
    const reason = await checkEnvelope(this.components.policy, envelope)
    if (reason !== undefined) {
      this.components.onReject?.(envelope.f, reason, via)
      return false
    }
    this.components.state.applyRemote(update)
    this.components.onRemoteUpdate?.(envelope.f)
    return true
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
      await this.accept(envelope, envelope.p, 'gossip')
    } catch {
      // a malformed update: Yjs throws, the peer's next sync repairs any gap
    }
  }

  /** Exchange state with `peer` now: both sides end up with the union (of what trusted writers wrote). */
  async syncWith (peer: PeerId, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const signal = AbortSignal.any([AbortSignal.timeout(this.init.syncTimeoutMs), ...(options.signal === undefined ? [] : [options.signal])])
    const stream = await this.components.libp2p.dialProtocol(peer, this.init.protocol, { signal, runOnLimitedConnection: true })
    try {
      // maxBufferSize too: libp2p's byte stream aborts past 4 MiB buffered otherwise, and a large state never arrived
      const lp = lpStream(stream, { maxDataLength: this.init.maxMessageBytes, maxBufferSize: this.init.maxMessageBytes })
      const { state } = this.components
      await lp.write(await this.seal(dagCbor.encode({ sv: state.stateVector() })), { signal })
      const reply = openEnvelope((await lp.read({ signal })).subarray())
      if (reply === undefined || reply.f !== peer.toString()) throw new Error('bad sync reply')
      const message = decodeSync(reply.p)
      if (message.u !== undefined) await this.accept(reply, message.u, 'sync')
      if (message.sv !== undefined) await lp.write(await this.seal(dagCbor.encode({ u: state.encode(message.sv) })), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.init.syncTimeoutMs)
    const remote = connection.remotePeer.toString()
    try {
      const lp = lpStream(stream, { maxDataLength: this.init.maxMessageBytes, maxBufferSize: this.init.maxMessageBytes })
      const { state } = this.components
      const request = openEnvelope((await lp.read({ signal })).subarray())
      if (request === undefined || request.f !== remote) throw new Error('bad sync request')
      const { sv } = decodeSync(request.p)
      // anyone may read: a follower gets the state even though its own writes will be refused
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
