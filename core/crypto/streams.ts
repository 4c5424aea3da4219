/** Bytes from a web stream or any (async) iterable of chunks. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>

/** Iterate any {@link ByteSource}, releasing a web stream if the consumer stops early. */
export async function * bytesOf (source: ByteSource): AsyncGenerator<Uint8Array> {
  if (!(source instanceof ReadableStream)) {
    yield * source
    return
  }
  const reader = source.getReader()
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) return
      yield next.value
    }
  } finally {
    reader.releaseLock()
  }
}

/** How far `encrypt` and `decrypt` read their input ahead of the cipher. */
export const READ_AHEAD_BYTES = 1024 * 1024

/**
 * Pull `source` ahead of its consumer, holding at most about `maxBytes` (at least one chunk): while the consumer works
 * on one chunk (decrypts it), the next ones keep arriving instead of the transfer waiting on every pull. An error of
 * the source reaches the consumer after the chunks before it; stopping early stops the source.
 */
export async function * readAhead (source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const queue: Uint8Array[] = []
  const state: { bytes: number, done: boolean, error?: unknown, stopped: boolean, wake?: () => void, pulling?: Promise<void> } = { bytes: 0, done: false, stopped: false }
  const notify = (): void => { const wake = state.wake; state.wake = undefined; wake?.() }
  const pump = async (): Promise<void> => {
    try {
      while (!state.stopped && state.bytes < maxBytes) {
        const next = await iterator.next()
        if (next.done === true) { state.done = true; break }
        queue.push(next.value)
        state.bytes += next.value.byteLength
        notify()
      }
    } catch (err) {
      state.error = err
      state.done = true
    } finally {
      state.pulling = undefined
      notify()
    }
  }
  const ensurePulling = (): void => {
    if (state.pulling === undefined && !state.done && !state.stopped && state.bytes < maxBytes) state.pulling = pump()
  }
  try {
    for (;;) {
      ensurePulling()
      const chunk = queue.shift()
      if (chunk !== undefined) {
        state.bytes -= chunk.byteLength
        yield chunk
        continue
      }
      if (state.done) {
        if (state.error !== undefined) throw state.error instanceof Error ? state.error : new Error('the source failed', { cause: state.error })
        return
      }
      await new Promise<void>(resolve => { state.wake = resolve })
    }
  } finally {
    state.stopped = true
    await state.pulling
    if (!state.done) await iterator.return?.()
  }
}
