/**
 * A least-recently-used map bounded by total byte size (not entry count), since blocks range from bytes to
 * megabytes. Map iteration order gives recency: a hit is deleted and re-inserted at the end.
 */
export class ByteBudgetLru<K, V extends { byteLength: number }> {
  private readonly entries = new Map<K, V>()
  private bytes = 0
  readonly maxBytes: number

  constructor (maxBytes: number) {
    this.maxBytes = maxBytes
  }

  /** Total bytes currently held. */
  get size (): number {
    return this.bytes
  }

  get (key: K): V | undefined {
    const value = this.entries.get(key)
    if (value !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, value)
    }
    return value
  }

  has (key: K): boolean {
    return this.entries.has(key)
  }

  set (key: K, value: V): void {
    if (value.byteLength > this.maxBytes) return
    this.delete(key)
    this.entries.set(key, value)
    this.bytes += value.byteLength
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= old.byteLength
    }
  }

  delete (key: K): void {
    const value = this.entries.get(key)
    if (value !== undefined) {
      this.entries.delete(key)
      this.bytes -= value.byteLength
    }
  }

  clear (): void {
    this.entries.clear()
    this.bytes = 0
  }
}
