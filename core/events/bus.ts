/**
 * @packageDocumentation
 *
 * The typed events a node emits, and a small bus to carry them. The relay streams them on `/ws`, the browser UI
 * listens to them, and gossipsub will carry them between peers. The `type` strings are the documented schema.
 */

/** Every event, as a discriminated union on `type`. */
export type NodeEvent =
  | { type: 'content:added', cid: string, size: number, name?: string, at: string }
  | { type: 'pin:added', cid: string, name?: string, at: string }
  | { type: 'pin:removed', cid: string, at: string }
  | { type: 'peer:joined', peerId: string, at: string }
  | { type: 'peer:left', peerId: string, at: string }
  | { type: 'block:added', cid: string, size: number, at: string }
  | { type: 'storage:placed', cid: string, backend: string, locator: string, size: number, at: string }
  | { type: 'storage:failed', cid: string, backend: string, operation: 'put' | 'get', code: string, message: string, at: string }
  | { type: 'storage:corrupt', cid: string, backend: string, locator?: string, at: string }
  | { type: 'cluster:pin-state', cid: string, peerId: string, state: string, error?: string, at: string }
  | { type: 'cluster:peer', peerId: string, live: boolean, at: string }
  | { type: 'cluster:repair', cid: string, reason: 'peer-silent' | 'holding-check' | 'expired' | 'under-replicated', removed: string[], added: string[], at: string }
  | { type: 'cluster:rejected', peerId: string, reason: string, via: string, at: string }
  | { type: 'cluster:sync', peerId: string, chunks: number, bytes: number, done: boolean, at: string }
  | { type: 'cluster:epoch', epoch: number, by: string, from: string, beforeBytes: number, afterBytes: number, rewritten?: number, at: string }
  | { type: 'migration:job', id: string, cid: string, action: string, state: string, step?: string, error?: { code: string, message: string }, at: string }
  | { type: 'filecoin:copy', backend: string, cid: string, providerId: string, dataSetId: string, from: string, to: string, reason?: string, at: string }
  | { type: 'filecoin:repair', backend: string, cid: string, kind: 'repair' | 'renewal', replacing: string[], chosen: string[], placed: string[], error?: string, at: string }
  | { type: 'filecoin:renewal', backend: string, action: 'deposit' | 'needs-deposit', amountUsdfc: string, fundedUntilEpoch: number, epoch: number, transaction?: string, error?: string, at: string }
  | { type: 'filecoin:budget', backend: string, kind: 'repair' | 'deposit', message: string, at: string }
  | { type: 'migration:progress', id: string, cid: string, step: 'stage' | 'verify', blocks: number, bytes: number, total: number, at: string }

/** The name of an event kind. */
export type NodeEventType = NodeEvent['type']

/** An event without its timestamp (the bus stamps it). */
export type NodeEventInput = NodeEvent extends infer E ? E extends NodeEvent ? Omit<E, 'at'> : never : never

/** A listener of every event. */
export type NodeEventListener = (event: NodeEvent) => void

/**
 * A synchronous fan-out of {@link NodeEvent}s. A listener that throws is isolated: the others still run.
 *
 * @example
 * ```ts
 * const bus = new EventBus()
 * const off = bus.subscribe(e => console.log(e.type))
 * bus.emit({ type: 'pin:removed', cid })
 * off()
 * ```
 */
export class EventBus {
  private readonly listeners = new Set<NodeEventListener>()

  /** Stamp and deliver an event to every listener. */
  emit (input: NodeEventInput): void {
    const event = { ...input, at: new Date().toISOString() }
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // a broken listener must not stop the others or the operation that emitted
      }
    }
  }

  /** Listen to every event; returns the function that stops listening. */
  subscribe (listener: NodeEventListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Number of listeners (for metrics). */
  get size (): number {
    return this.listeners.size
  }
}
