/** Keep the `k` best of many candidates: a binary min-heap (a sorted array is slow for k in the hundreds). */
export class TopHeap {
  private readonly slots: Int32Array
  private readonly scores: Float64Array
  private n = 0
  /** A heap keeping the `k` best. */
  constructor (k: number) { this.slots = new Int32Array(k); this.scores = new Float64Array(k) }
  /** The score a candidate must beat to enter (-Infinity until full). */
  get floor (): number { return this.n < this.slots.length ? -Infinity : this.scores[0] ?? -Infinity }
  /** Offer a candidate. */
  push (slot: number, score: number): void {
    const { slots, scores } = this
    if (this.n < slots.length) {
      let i = this.n++
      while (i > 0) {
        const parent = (i - 1) >> 1
        if ((scores[parent] ?? 0) <= score) break
        scores[i] = scores[parent] ?? 0; slots[i] = slots[parent] ?? 0; i = parent
      }
      scores[i] = score; slots[i] = slot
      return
    }
    if (score <= (scores[0] ?? 0)) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= this.n) break
      const right = left + 1
      const child = right < this.n && (scores[right] ?? 0) < (scores[left] ?? 0) ? right : left
      if ((scores[child] ?? 0) >= score) break
      scores[i] = scores[child] ?? 0; slots[i] = slots[child] ?? 0; i = child
    }
    scores[i] = score; slots[i] = slot
  }
  /** The kept hits, best first (ties: lower slot first, as a scan in slot order keeps them). */
  sorted (): Array<[number, number]> {
    const out: Array<[number, number]> = []
    for (let i = 0; i < this.n; i++) out.push([this.slots[i] ?? 0, this.scores[i] ?? 0])
    return out.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  }
}
