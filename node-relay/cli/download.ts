import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import type { AbortOptions } from '../../core/abort.ts'
import type { Writable } from 'node:stream'

/** The relay ended a response before all the bytes it announced (it hit an error after the headers). */
export class TruncatedResponseError extends Error {
  readonly code = 'ERR_TRUNCATED'
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TruncatedResponseError'
  }
}

/**
 * Copy a response body into a writable stream as it arrives, honouring backpressure, and check it is as long as
 * `content-length` says. Returns the number of bytes written. The destination is not ended.
 */
export async function copyBody (response: Response, destination: Writable, options: AbortOptions & { onBytes?: (bytes: number) => void } = {}): Promise<number> {
  const announced = response.headers.get('content-length')
  const expected = announced === null ? undefined : Number(announced)
  let written = 0
  const body = response.body
  if (body !== null) {
    try {
      for await (const chunk of body) {
        options.signal?.throwIfAborted()
        if (destination.errored !== null) throw destination.errored
        written += chunk.byteLength
        options.onBytes?.(chunk.byteLength)
        if (!destination.write(chunk)) await once(destination, 'drain', { signal: options.signal })
      }
    } catch (err) {
      if (err instanceof TypeError) throw new TruncatedResponseError(`the relay ended the response after ${written} bytes`, { cause: err })
      throw err
    }
  }
  if (expected !== undefined && written !== expected) {
    throw new TruncatedResponseError(`the relay sent ${written} of ${expected} bytes`)
  }
  return written
}

/**
 * Save a response body to a file: written to `<path>.partial` and renamed into place once every byte arrived, so a
 * cut-off response never leaves a partial file under the real name (the partial one is removed). Resolves once the
 * file is closed and in place.
 */
export async function saveBody (response: Response, path: string, options: AbortOptions & { onBytes?: (bytes: number) => void } = {}): Promise<number> {
  const partial = `${path}.partial`
  const file = createWriteStream(partial)
  // a write that fails after we gave up must not surface as an unhandled ERR_STREAM_DESTROYED
  const failed = new Promise<never>((_resolve, reject) => { file.once('error', reject) })
  failed.catch(() => {})
  try {
    const written = await Promise.race([copyBody(response, file, options), failed])
    file.end()
    await Promise.race([once(file, 'close'), failed])
    await rename(partial, path)
    return written
  } catch (err) {
    file.destroy()
    await rm(partial, { force: true })
    throw err
  }
}
