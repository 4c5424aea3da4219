import { Readable } from 'node:stream'
import { primed } from '../operations/primed.ts'

/**
 * {@link primed} as a Node stream for Fastify: errors that happen at once (not found, corrupt first block) become
 * proper status codes instead of a truncated 200; later errors end the connection early, which clients detect as a
 * short body.
 */
export async function primedStream (source: AsyncGenerator<Uint8Array>): Promise<Readable> {
  return Readable.from(await primed(source), { objectMode: false, highWaterMark: 1024 * 1024 })
}

/** Collect a small request body (bounded) into one array. */
export async function readBody (source: AsyncIterable<Uint8Array>, limit: number, onTooLarge: (size: number) => Error): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of source) {
    size += chunk.byteLength
    if (size > limit) throw onTooLarge(size)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}
