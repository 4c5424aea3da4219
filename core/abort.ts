/** Options every async operation in ipfs-kit accepts (the same shape libp2p and Helia use). */
export interface AbortOptions {
  /** Aborts the operation; it rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts. The promise itself goes on (its failure
 * is then ignored): for work shared by several callers, where one caller giving up must not cancel it for the others.
 */
export async function raceSignal<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {}) // whoever awaits it below sees its failure; once the caller has gone, nobody needs to
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => {})
  try {
    return await Promise.race([promise, aborted])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
  }
}
