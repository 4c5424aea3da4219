/**
 * Leaf-sized buffers reused within one add. Copying bytes into fresh memory costs its page faults: on the machines
 * we measure, 64 × 1 MiB copied into new buffers took 190–270 ms in Chromium against 5–7 ms into a reused one, and
 * an add copies each leaf at least once (socket pieces or a large input into leaves). The chunker takes a buffer
 * here for each leaf; the leaf writer gives it back once the blockstore's put has resolved.
 *
 * Only safe over a blockstore whose `put` has copied or written the bytes, and kept no reference to them, by the
 * time it resolves (see `ContentStoreInit.reuseLeafBuffers`). Only buffers this pool made come back to it, so a
 * chunk that was the caller's own bytes, passed through whole, is never overwritten.
 */
export class LeafBufferPool {
  /** Bytes of every buffer. */
  readonly size: number
  private readonly max: number
  private readonly free: Uint8Array[] = []
  private readonly made = new WeakSet<ArrayBufferLike>()

  /** `max`: buffers kept for reuse at most (the others are left to the garbage collector). */
  constructor (size: number, max: number) {
    this.size = size
    this.max = max
  }

  /** A buffer of `size` bytes: a returned one when there is one (its old contents are overwritten by the caller). */
  take (): Uint8Array {
    const reused = this.free.pop()
    if (reused !== undefined) return reused
    const fresh = new Uint8Array(this.size)
    this.made.add(fresh.buffer)
    return fresh
  }

  /** Whether `bytes` is a whole buffer this pool made (so no caller holds it). */
  owns (bytes: Uint8Array): boolean {
    return bytes.byteOffset === 0 && bytes.byteLength === this.size && this.made.has(bytes.buffer)
  }

  /**
   * `moved` now holds the memory of `original` (it was transferred to a worker and back, which makes a new
   * `ArrayBuffer` object): when this pool made `original`, it may take `moved` back.
   */
  adopt (original: Uint8Array, moved: Uint8Array): void {
    if (this.made.has(original.buffer)) this.made.add(moved.buffer)
  }

  /** Return a buffer whose bytes nothing reads any more; ignored unless this pool made it. */
  give (bytes: Uint8Array): void {
    if (!this.owns(bytes)) return
    if (this.free.length >= this.max || this.free.includes(bytes)) return
    this.free.push(bytes)
  }
}
