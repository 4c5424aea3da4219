import { createReadStream } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { UploadFile } from './local-files.ts'

/** Read files in 1 MiB pieces: one UnixFS chunk per read, and memory use independent of file size. */
export const READ_CHUNK_BYTES = 1024 * 1024

const encoder = new TextEncoder()

/** A fresh multipart boundary (random, so it cannot appear in a part header; bodies are never scanned). */
export function createBoundary (): string {
  return `----ipfs-kit-${randomBytes(16).toString('hex')}`
}

/** The `filename="..."` value for a path, quoted; line breaks and NUL cannot be sent in a header. */
function quotedFilename (name: string): string {
  if (/[\r\n\0]/.test(name)) throw new InvalidInputError(`cannot upload "${name}": its name holds a line break or NUL`)
  return `"${name.replace(/[\\"]/g, c => `\\${c}`)}"`
}

/** Stream one local file in {@link READ_CHUNK_BYTES} pieces. */
export async function * readFileChunks (localPath: string, options: AbortOptions & { onBytes?: (bytes: number) => void } = {}): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(localPath, { highWaterMark: READ_CHUNK_BYTES, signal: options.signal })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    options.onBytes?.(chunk.byteLength)
    yield chunk
  }
}

/**
 * A `multipart/form-data` body, produced lazily: for each file a part whose `filename` is its path in the tree,
 * then its bytes read from disk as the receiver pulls them. Nothing is held in memory beyond one read.
 *
 * @example
 * ```ts
 * const boundary = createBoundary()
 * await fetch(url, {
 *   method: 'POST', duplex: 'half', body: ReadableStream.from(multipartBody(files, boundary)),
 *   headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }
 * })
 * ```
 */
export async function * multipartBody (files: UploadFile[], boundary: string, options: AbortOptions & { onBytes?: (bytes: number) => void } = {}): AsyncGenerator<Uint8Array> {
  for (const file of files) {
    options.signal?.throwIfAborted()
    yield encoder.encode([
      `--${boundary}`,
      `Content-Disposition: form-data; name="file"; filename=${quotedFilename(file.name)}`,
      'Content-Type: application/octet-stream',
      '',
      ''
    ].join('\r\n'))
    yield * readFileChunks(file.localPath, options)
    yield encoder.encode('\r\n')
  }
  yield encoder.encode(`--${boundary}--\r\n`)
}
