/**
 * Reused buffers for the parts of blocks on their way into IndexedDB. Copying a block into freshly allocated memory
 * costs its page faults (in Chromium, 64 × 1 MiB copied into new buffers took 190–270 ms, into one reused buffer
 * 5–7 ms). `WorkerBlockstore` copies each block into buffers that the worker transfers back once IndexedDB has
 * taken its copy, cut into the parts `IdbBlockstore` stores (`MAX_RECORD_BYTES` each), so the worker writes them
 * without another copy. `IdbBlockstore` cuts a block handed to it whole into such buffers too, and takes them back
 * as soon as IndexedDB has cloned them (within the `put` call).
 */
import { MAX_RECORD_BYTES } from './idb-records.ts'

/** Options for {@link PartBuffers}. */
export interface PartBuffersInit {
  /** Most bytes of idle buffers kept for reuse (default 32 MiB). */
  maxIdleBytes?: number
  /** Idle buffers are all released after this long without a block sent (default 10 s). */
  releaseAfterMs?: number
}

/** Sizes worth keeping: whole parts, and blocks cut by a chunker in 64 KiB steps. */
const POOLED_STEP = 64 * 1024

/**
 * Cuts blocks into owned part buffers, reusing buffers of the same size that came back.
 *
 * @example
 * ```ts
 * const buffers = new PartBuffers()
 * const parts = buffers.cut(block)                    // each part owns its ArrayBuffer
 * const back = await api.put(cid, transfer(parts, parts.map(p => p.buffer)))
 * buffers.give(back)                                  // the worker sent them back
 * ```
 */
export class PartBuffers {
  private readonly idle = new Map<number, ArrayBuffer[]>()
  private readonly maxIdleBytes: number
  private readonly releaseAfterMs: number
  private idleBytes = 0
  private releaseTimer: ReturnType<typeof setTimeout> | undefined

  constructor (init: PartBuffersInit = {}) {
    this.maxIdleBytes = init.maxIdleBytes ?? 32 * 1024 * 1024
    this.releaseAfterMs = init.releaseAfterMs ?? 10_000
  }

  /** Bytes of idle buffers held for reuse. */
  get heldBytes (): number {
    return this.idleBytes
  }

  /**
   * A block's bytes (`block`, or its chunks in order) copied into parts of at most `MAX_RECORD_BYTES`, each owning
   * its buffer (one empty part for an empty block); nothing given is kept.
   */
  cut (block: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
    const chunks = block instanceof Uint8Array ? [block] : block
    const size = chunks.reduce((n, chunk) => n + chunk.byteLength, 0)
    const parts: Uint8Array[] = []
    for (let at = 0; at === 0 || at < size; at += MAX_RECORD_BYTES) {
      const part = this.take(Math.min(MAX_RECORD_BYTES, size - at))
      copyRange(chunks, at, part)
      parts.push(part)
    }
    return parts
  }

  /** A buffer of `size` bytes that owns its memory: one that came back when there is one (its contents are stale). */
  private take (size: number): Uint8Array {
    const reused = pooled(size) ? this.idle.get(size)?.pop() : undefined
    if (reused === undefined) return new Uint8Array(size)
    this.idleBytes -= size
    return new Uint8Array(reused)
  }

  /** Keep buffers that came back for the next blocks (up to the idle limit; others are left to the GC). */
  give (parts: readonly Uint8Array[]): void {
    for (const { buffer } of parts) {
      if (!(buffer instanceof ArrayBuffer) || !pooled(buffer.byteLength)) continue
      if (this.idleBytes + buffer.byteLength > this.maxIdleBytes) continue
      const list = this.idle.get(buffer.byteLength) ?? []
      list.push(buffer)
      this.idle.set(buffer.byteLength, list)
      this.idleBytes += buffer.byteLength
    }
    this.scheduleRelease()
  }

  /** Drop every idle buffer. */
  release (): void {
    this.idle.clear()
    this.idleBytes = 0
    if (this.releaseTimer !== undefined) clearTimeout(this.releaseTimer)
    this.releaseTimer = undefined
  }

  private scheduleRelease (): void {
    if (this.releaseTimer !== undefined) clearTimeout(this.releaseTimer)
    this.releaseTimer = setTimeout(() => { this.release() }, this.releaseAfterMs)
  }
}

/** Fill `out` with the bytes of the concatenation of `chunks` from `start`. */
function copyRange (chunks: readonly Uint8Array[], start: number, out: Uint8Array): void {
  const end = start + out.byteLength
  let offset = 0
  for (const chunk of chunks) {
    const from = Math.max(start - offset, 0)
    const to = Math.min(end - offset, chunk.byteLength)
    if (from < to) out.set(chunk.subarray(from, to), offset + from - start)
    offset += chunk.byteLength
    if (offset >= end) break
  }
}

function pooled (size: number): boolean {
  return size > 0 && size % POOLED_STEP === 0
}
