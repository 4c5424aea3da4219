/** Bytes from a web stream or any (async) iterable of chunks, as a web `ReadableStream` the age library takes. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>

/** A web stream over `source` that pulls one chunk at a time (bounded memory). */
export function toReadableStream (source: ByteSource): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await iterator.next()
      if (next.done === true) controller.close()
      else if (next.value.length > 0) controller.enqueue(next.value)
    },
    async cancel () { await iterator.return?.() }
  }, { highWaterMark: 1 })
}

/** Iterate a web stream's chunks, releasing it if the consumer stops early. */
export async function * iterateStream (stream: ReadableStream<Uint8Array>, onError: (err: unknown) => Error): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (err) {
        throw onError(err)
      }
      if (next.done) return
      yield next.value
    }
  } finally {
    reader.releaseLock()
  }
}
