import type { AddProgress, AddSource } from './types.ts'

/** Turn any add source into an async stream of chunks. */
export function toByteStream (source: AddSource): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (source instanceof Uint8Array) return [source]
  if (typeof Blob !== 'undefined' && source instanceof Blob) return blobChunks(source)
  return source as AsyncIterable<Uint8Array> | Iterable<Uint8Array>
}

/** The byte length of a source when it is known up front. */
export function knownLength (source: AddSource): number | undefined {
  if (source instanceof Uint8Array) return source.byteLength
  if (typeof Blob !== 'undefined' && source instanceof Blob) return source.size
  return undefined
}

async function * blobChunks (blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader()
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** Shared progress counter for one add (several files contribute to one total). */
export class ProgressCounter {
  bytes = 0
  readonly total: number | undefined
  private readonly onProgress: ((progress: AddProgress) => void) | undefined

  constructor (total: number | undefined, onProgress: ((progress: AddProgress) => void) | undefined) {
    this.total = total
    this.onProgress = onProgress
  }

  /** Wrap a stream so each chunk is counted, reported and checked against the abort signal. */
  async * count (stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, path: string | undefined, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream) {
      signal?.throwIfAborted()
      this.bytes += chunk.byteLength
      this.onProgress?.({ bytes: this.bytes, total: this.total, path })
      yield chunk
    }
  }
}
