/**
 * Lazily materialised pieces of a loaded Orama index: a snapshot keeps postings, term frequencies and documents in
 * typed arrays, and each piece becomes the JavaScript object Orama expects only when a query first touches it. This
 * is what makes loading a 100k-document snapshot take well under the 2 s goal (see docs/decisions, search index).
 */

/** A `Set` of internal document ids filled from a typed-array slice on first use (Orama's radix-node postings). */
export class LazyIdSet extends Set<number> {
  private pending: Uint32Array | undefined

  constructor (ids: Uint32Array) {
    super()
    this.pending = ids.length === 0 ? undefined : ids
  }

  private fill (): void {
    const ids = this.pending
    if (ids === undefined) return
    this.pending = undefined
    for (let i = 0; i < ids.length; i++) super.add(ids[i] ?? 0)
  }

  override get size (): number { this.fill(); return super.size }
  override has (id: number): boolean { this.fill(); return super.has(id) }
  override add (id: number): this { this.fill(); return super.add(id) }
  override delete (id: number): boolean { this.fill(); return super.delete(id) }
  override clear (): void { this.pending = undefined; super.clear() }
  override forEach (callback: (value: number, key: number, set: Set<number>) => void, thisArg?: unknown): void { this.fill(); super.forEach(callback, thisArg) }
  override values (): SetIterator<number> { this.fill(); return super.values() }
  override keys (): SetIterator<number> { this.fill(); return super.keys() }
  override entries (): SetIterator<[number, number]> { this.fill(); return super.entries() }
  override [Symbol.iterator] (): SetIterator<number> { this.fill(); return super.values() }
  // the ES2025 set methods read the receiver's own storage, not its overridden methods: fill first
  override union<U> (other: ReadonlySetLike<U>): Set<number | U> { this.fill(); return super.union(other) }
  override intersection<U> (other: ReadonlySetLike<U>): Set<number & U> { this.fill(); return super.intersection(other) }
  override difference<U> (other: ReadonlySetLike<U>): Set<number> { this.fill(); return super.difference(other) }
  override symmetricDifference<U> (other: ReadonlySetLike<U>): Set<number | U> { this.fill(); return super.symmetricDifference(other) }
  override isSubsetOf (other: ReadonlySetLike<unknown>): boolean { this.fill(); return super.isSubsetOf(other) }
  override isSupersetOf (other: ReadonlySetLike<unknown>): boolean { this.fill(); return super.isSupersetOf(other) }
  override isDisjointFrom (other: ReadonlySetLike<unknown>): boolean { this.fill(); return super.isDisjointFrom(other) }
}

/**
 * A record keyed by internal document id whose values are decoded on first read and then kept in the target
 * object; writes and deletes go to the target, so Orama's inserts and removals work unchanged. `decode` returns
 * `undefined` for ids it does not hold; `keys` lists the ids it holds (for `Object.keys`, which Orama uses to list
 * every document).
 */
export function lazyRecord<T> (decode: (id: number) => T | undefined, keys: () => number[]): Record<string, T | undefined> {
  const target: Record<string, T | undefined> = {}
  const deleted = new Set<string>()
  const read = (key: string): T | undefined => {
    if (Object.hasOwn(target, key)) return target[key]
    if (deleted.has(key)) return undefined
    const value = decode(Number(key))
    if (value !== undefined) target[key] = value
    return value
  }
  return new Proxy(target, {
    get: (t, key): T | undefined => typeof key === 'string' ? read(key) : undefined,
    has: (t, key) => typeof key === 'string' ? read(key) !== undefined || Object.hasOwn(t, key) : Reflect.has(t, key),
    deleteProperty: (t, key) => {
      if (typeof key === 'string') deleted.add(key)
      return Reflect.deleteProperty(t, key)
    },
    ownKeys: (t) => {
      // integer keys in ascending order, as a plain object lists them
      const ids = new Set(Object.keys(t).map(Number))
      for (const id of keys()) if (!deleted.has(String(id))) ids.add(id)
      return [...ids].sort((a, b) => a - b).map(String)
    },
    getOwnPropertyDescriptor: (t, key) => {
      if (typeof key !== 'string' || Object.hasOwn(t, key)) return Reflect.getOwnPropertyDescriptor(t, key)
      const value = read(key)
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true }
    }
  })
}
