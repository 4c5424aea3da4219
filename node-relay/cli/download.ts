import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
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
export async function copyBody (response: Response, destination: Writable, options: AbortOptions = {}): Promise<number> {
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

/** Save a response body to a file (created or truncated); resolves once the file is closed. */
export async function saveBody (response: Response, path: string, options: AbortOptions = {}): Promise<number> {
  const file = createWriteStream(path)
  try {
    const written = await copyBody(response, file, options)
    file.end()
    await once(file, 'close')
    return written
  } catch (err) {
    file.destroy()
    throw err
  }
}
