import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { decrypt, decryptRange } from '../../core/crypto/index.ts'
import { NotAFileError } from '../../core/errors/index.ts'
import { statResultSchema } from './commands/stat.ts'
import { parseTarget, targetUrl } from './target.ts'
import type { ByteSource, DecryptOptions } from '../../core/crypto/index.ts'
import type { ApiClient } from './client.ts'

/** A file's ciphertext on the relay, read whole or by range (each read verified against the CID by the relay). */
export interface RemoteCiphertext {
  cid: string
  size: number
  read: (offset: number, length: number) => Promise<Uint8Array>
  stream: () => Promise<ByteSource>
}

/** Open `cid` (or `cid/path`) for decryption: its size from `stat`, its bytes from `cat`. */
export async function remoteCiphertext (client: ApiClient, target: string): Promise<RemoteCiphertext> {
  const stat = await client.json(targetUrl('/api/v1/stat', parseTarget(target)), statResultSchema)
  if (stat.type !== 'file' && stat.type !== 'raw') throw new NotAFileError(`${target} is a ${stat.type}: only files are encrypted`)
  const path = `/api/v1/cat/${encodeURIComponent(stat.cid)}`
  return {
    cid: stat.cid,
    size: stat.size,
    read: async (offset, length) => new Uint8Array(await (await client.request(path, { query: { offset, length } })).arrayBuffer()),
    stream: async () => {
      const body = (await client.request(path)).body
      return body === null ? [] : body
    }
  }
}

/** The plaintext of a remote file, or of a range of it (opening only the 64 KiB chunks needed). */
export async function decryptedChunks (file: RemoteCiphertext, keys: DecryptOptions, range?: { offset?: number, length?: number }): Promise<AsyncIterable<Uint8Array>> {
  if (range?.offset !== undefined || range?.length !== undefined) {
    return decryptRange(file.read, { ...keys, size: file.size, offset: range.offset ?? 0, length: range.length })
  }
  return decrypt(await file.stream(), keys)
}

/**
 * Write plaintext to a file that appears under its name only once every chunk authenticated (`<path>.partial`,
 * renamed at the end; removed when decryption fails), so a tampered or cut-off file never leaves plaintext behind.
 */
export async function saveDecrypted (chunks: AsyncIterable<Uint8Array>, path: string): Promise<number> {
  const partial = `${path}.partial`
  let bytes = 0
  try {
    await pipeline(Readable.from(chunks), async function * (source: AsyncIterable<Uint8Array>) {
      for await (const chunk of source) { bytes += chunk.byteLength; yield chunk }
    }, createWriteStream(partial, { mode: 0o600 }))
    await rename(partial, path)
    return bytes
  } catch (err) {
    await rm(partial, { force: true })
    throw err
  }
}

/**
 * Write plaintext to stdout as it is authenticated (chunk by chunk). A failure later in the file ends the command
 * with ERR_DECRYPT after earlier, authentic chunks were written: use `-o` to get all or nothing.
 */
export async function writeDecrypted (chunks: AsyncIterable<Uint8Array>, out: Writable = process.stdout): Promise<void> {
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await new Promise<void>(resolve => out.once('drain', resolve))
  }
}
