/**
 * Mutual exclusion by key: `run(key, task)` starts `task` once every earlier task of the same key has settled.
 * Tasks of different keys run concurrently. Used to serialise pin changes of one CID (check-then-add,
 * metadata updates) and the pin records' read-modify-writes.
 *
 * @example
 * ```ts
 * const locks = new KeyLock()
 * await locks.run(cid.toString(), async () => { ... })
 * ```
 */
export class KeyLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  /** Run `task` alone among the tasks of `key`; resolves or rejects with its result. */
  async run<T> (key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const current = previous.then(task, task)
    const tail = current.catch(() => {})
    this.tails.set(key, tail)
    try {
      return await current
    } finally {
      // the last task of a key removes its entry, so idle keys hold no memory
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }

  /** Keys with a task running or waiting. */
  get size (): number {
    return this.tails.size
  }
}
