import { CID } from 'multiformats/cid'
import { raceSignal } from '../abort.ts'
import type { AbortOptions } from '../abort.ts'
import type { ReplicatedState } from './replicated-state.ts'
import type { ClusterPin, MetadataValue, PeerPinStatus, PinState } from './types.ts'

/** What the tracker needs from the local node to pin for real (the relay and browser pass their IpfsService). */
export interface ClusterPinner {
  /** Pin a DAG, fetching missing blocks from peers (bitswap). */
  pinAdd: (cid: CID, options: AbortOptions & { name?: string, metadata?: Record<string, MetadataValue> }) => Promise<unknown>
  pinRm: (cid: CID, options?: AbortOptions) => Promise<void>
  pinLs: (options?: AbortOptions) => AsyncIterable<{ cid: CID, metadata: Record<string, MetadataValue> }>
  /** Size of a pinned DAG (for the `pinnedBytes` metric). */
  stat?: (cid: CID, options?: AbortOptions) => Promise<{ size: number }>
}

/** The tracker's components. */
export interface PinTrackerComponents {
  state: ReplicatedState
  pinner: ClusterPinner
  /** This peer's id. */
  self: string
  /** May this peer write its states into the shared document? */
  canWrite: () => boolean
  /** Called on every local state change (events, metrics). */
  onState?: (cid: string, status: PeerPinStatus) => void
}

/** The tracker's settings. */
export interface PinTrackerInit {
  cluster: string
  /** A pin whose DAG cannot be fetched within this time ends in `error`. */
  pinTimeoutMs: number
  /** Pins fetched at once. */
  concurrency?: number
}

interface LocalPin extends PeerPinStatus {
  bytes: number
  abort?: AbortController
}

const HELD: ReadonlySet<PinState> = new Set(['queued', 'pinning', 'pinned', 'error'])

/** Metadata key that marks a local pin as made by the cluster (so only those are ever unpinned by it). */
export const CLUSTER_PIN_META = 'cluster'

/**
 * The per-peer pin tracker: it watches the replicated pinset and makes the local node actually pin what is
 * allocated to it (and unpin what no longer is), reporting `queued → pinning → pinned | error` and
 * `unpin_queued → unpinning → unpinned` into the shared state. A pin that cannot be fetched within
 * `pinTimeoutMs` ends in `error` with the reason; it is retried after a `recover`.
 */
export class PinTracker {
  private readonly components: PinTrackerComponents
  private readonly init: Required<PinTrackerInit>
  private readonly local = new Map<string, LocalPin>()
  private readonly chains = new Map<string, Promise<void>>()
  private running = 0
  private readonly waiting: Array<() => void> = []
  private stopController = new AbortController()
  private scheduled = false

  constructor (components: PinTrackerComponents, init: PinTrackerInit) {
    this.components = components
    this.init = { concurrency: 4, ...init }
  }

  /** Adopt the cluster pins the local node already holds, then follow the pinset. */
  async start (options?: AbortOptions): Promise<void> {
    this.stopController = new AbortController()
    for await (const pin of this.components.pinner.pinLs(options)) {
      if (pin.metadata[CLUSTER_PIN_META] === this.init.cluster) this.local.set(pin.cid.toString(), { state: 'pinned', at: Date.now(), bytes: 0 })
    }
    this.schedule()
  }

  /** Abort pins in flight and wait for the jobs to settle. */
  async stop (): Promise<void> {
    this.stopController.abort()
    await Promise.allSettled([...this.chains.values()])
  }

  /** This peer's state of `cid`: its own, or `remote` when the CID is in the pinset but allocated elsewhere. */
  stateOf (cid: string): PeerPinStatus | undefined {
    const local = this.local.get(cid)
    if (local !== undefined) return { state: local.state, error: local.error, at: local.at }
    return this.components.state.pin(cid) !== undefined ? { state: 'remote', at: Date.now() } : undefined
  }

  /** Local states of every CID this peer tracks. */
  states (): Map<string, PeerPinStatus> {
    return new Map([...this.local].map(([cid, l]) => [cid, { state: l.state, error: l.error, at: l.at }]))
  }

  /** Bytes of the cluster pins this peer holds. */
  pinnedBytes (): number {
    let total = 0
    for (const pin of this.local.values()) if (pin.state === 'pinned') total += pin.bytes
    return total
  }

  /** Re-check the pinset soon (coalesces bursts of changes into one pass). */
  schedule (): void {
    if (this.scheduled || this.stopController.signal.aborted) return
    this.scheduled = true
    // a short delay batches a burst of pinset changes (a bulk pin, a large sync) into one pass
    setTimeout(() => {
      this.scheduled = false
      if (!this.stopController.signal.aborted) this.reconcile()
    }, 50)
  }

  /** Re-publish every local state (after this peer gained write access, or after a restart). */
  republish (): void {
    if (!this.components.canWrite()) return
    this.components.state.transact(() => {
      for (const [cid, l] of this.local) this.components.state.setStatus(this.components.self, cid, { state: l.state, error: l.error, at: l.at })
    })
  }

  /** Retry every wanted pin in `error` (run every `recoverIntervalMs`, as IPFS Cluster's `pin_recover_interval`). */
  recoverErrors (): number {
    let n = 0
    const now = Date.now()
    for (const [cid, local] of this.local) {
      if (local.state === 'error' && this.wanted(this.components.state.pin(cid), now)) {
        this.enqueue(cid, 'pin')
        n++
      }
    }
    return n
  }

  private wanted (pin: ClusterPin | undefined, now: number): boolean {
    return pin !== undefined && pin.allocations.includes(this.components.self) && (pin.expireAt === undefined || pin.expireAt > now)
  }

  private reconcile (): void {
    const now = Date.now()
    const { state } = this.components
    for (const pin of state.pins()) {
      if (!this.wanted(pin, now)) continue
      const local = this.local.get(pin.cid)
      if (local === undefined || local.state === 'unpinned' || local.state === 'unpin_queued' || local.state === 'unpinning') {
        this.enqueue(pin.cid, 'pin')
      } else if (local.state === 'error' && pin.recoverAt !== undefined && pin.recoverAt >= local.at) {
        this.enqueue(pin.cid, 'pin')
      }
    }
    for (const [cid, local] of this.local) {
      if (HELD.has(local.state) && !this.wanted(state.pin(cid), now)) {
        local.abort?.abort()
        this.enqueue(cid, 'unpin')
      }
    }
  }

  private setLocal (cid: string, state: PinState, extra: { error?: string, bytes?: number } = {}): void {
    const previous = this.local.get(cid)
    const status: PeerPinStatus = extra.error === undefined ? { state, at: Date.now() } : { state, error: extra.error, at: Date.now() }
    this.local.set(cid, { ...status, bytes: extra.bytes ?? previous?.bytes ?? 0, abort: previous?.abort })
    if (this.components.canWrite()) this.components.state.setStatus(this.components.self, cid, status)
    this.components.onState?.(cid, status)
  }

  private enqueue (cid: string, kind: 'pin' | 'unpin'): void {
    this.setLocal(cid, kind === 'pin' ? 'queued' : 'unpin_queued')
    const previous = this.chains.get(cid) ?? Promise.resolve()
    const next = previous.then(async () => {
      await this.acquire()
      try {
        if (kind === 'pin') await this.pinOne(cid)
        else await this.unpinOne(cid)
      } finally {
        this.release()
      }
    }).catch(() => {}).finally(() => {
      if (this.chains.get(cid) === next) this.chains.delete(cid)
    })
    this.chains.set(cid, next)
  }

  private async acquire (): Promise<void> {
    if (this.running < this.init.concurrency) {
      this.running++
      return
    }
    await new Promise<void>(resolve => { this.waiting.push(resolve) })
    this.running++
  }

  private release (): void {
    this.running--
    this.waiting.shift()?.()
  }

  private async pinOne (cid: string): Promise<void> {
    const pin = this.components.state.pin(cid)
    if (this.stopController.signal.aborted || this.local.get(cid)?.state !== 'queued' || !this.wanted(pin, Date.now())) return
    const controller = new AbortController()
    this.setLocal(cid, 'pinning')
    const local = this.local.get(cid)
    if (local !== undefined) local.abort = controller
    const deadline = new AbortController()
    const deadlineTimer = setTimeout(() => { deadline.abort(new Error('pin timed out')) }, this.init.pinTimeoutMs)
    const signal = AbortSignal.any([controller.signal, deadline.signal, this.stopController.signal])
    try {
      const parsed = CID.parse(cid)
      await this.pinWithRetries(parsed, pin?.name, signal)
      const bytes = (await this.components.pinner.stat?.(parsed, { signal }).catch(() => undefined))?.size ?? 0
      this.setLocal(cid, 'pinned', { bytes })
    } catch (err) {
      if (controller.signal.aborted || this.stopController.signal.aborted) return
      const reason = deadline.signal.aborted
        ? `ERR_TIMEOUT: no peer provided ${cid} within ${this.init.pinTimeoutMs} ms`
        : `${errorCode(err)}: ${err instanceof Error ? err.message : String(err)}`
      this.setLocal(cid, 'error', { error: reason })
    } finally {
      clearTimeout(deadlineTimer)
      const after = this.local.get(cid)
      if (after?.abort === controller) after.abort = undefined
    }
  }

  /**
   * Pin, retrying within the overall deadline: each attempt gets a third of the pin timeout, since a bitswap want
   * that went unanswered (the provider was busy or not yet connected) is only re-sent by a new request.
   */
  private async pinWithRetries (cid: CID, name: string | undefined, signal: AbortSignal): Promise<void> {
    const attemptMs = Math.max(1000, Math.floor(this.init.pinTimeoutMs / 3))
    while (true) {
      // each attempt gets its own signal, detached once the attempt ends: code under pinAdd that leaves an abort
      // listener behind must not see a late abort (it would surface as an unhandled rejection)
      const attempt = new AbortController()
      const onParentAbort = (): void => { attempt.abort(signal.reason) }
      signal.addEventListener('abort', onParentAbort, { once: true })
      const timer = setTimeout(() => { attempt.abort(new Error('attempt timed out')) }, attemptMs)
      try {
        // raced against the signal: a pinner that does not honour it must still not leave the pin in `pinning`
        await raceSignal(this.components.pinner.pinAdd(cid, { name, metadata: { [CLUSTER_PIN_META]: this.init.cluster }, signal: attempt.signal }), attempt.signal)
        return
      } catch (err) {
        if (signal.aborted) throw err
        const code = errorCode(err)
        // only "not found yet" failures are worth another attempt; bad input fails at once
        if (!attempt.signal.aborted && code !== 'ERR_TIMEOUT' && code !== 'ERR_NOT_FOUND') throw err
        await new Promise(resolve => setTimeout(resolve, 100))
      } finally {
        clearTimeout(timer)
        signal.removeEventListener('abort', onParentAbort)
      }
    }
  }

  private async unpinOne (cid: string): Promise<void> {
    if (this.stopController.signal.aborted || this.local.get(cid)?.state !== 'unpin_queued') return
    this.setLocal(cid, 'unpinning')
    try {
      await this.components.pinner.pinRm(CID.parse(cid), { signal: this.stopController.signal })
    } catch (err) {
      // not pinned locally (a pin that never finished) is what unpinning wants anyway
      if (errorCode(err) !== 'ERR_NOT_FOUND') {
        this.setLocal(cid, 'error', { error: `${errorCode(err)}: ${err instanceof Error ? err.message : String(err)}` })
        return
      }
    }
    this.setLocal(cid, 'unpinned', { bytes: 0 })
    this.schedule()
  }
}

function errorCode (err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code
  if (err instanceof Error && err.name === 'NotFoundError') return 'ERR_NOT_FOUND'
  return 'ERR_INTERNAL'
}
