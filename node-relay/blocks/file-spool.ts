import { randomBytes } from 'node:crypto'
import { mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import type { BlockSpool, SpoolFactory } from '../../core/content/block-spool.ts'
import type { FileHandle } from 'node:fs/promises'

const READ_CHUNK = 1024 * 1024

/** A buffered sequential reader over a file handle: `take(n)` returns the next `n` bytes (or fewer at the end). */
function reader (handle: FileHandle): { take: (n: number) => Promise<Uint8Array> } {
  let buffer = new Uint8Array(0)
  let position = 0
  return {
    take: async (n: number): Promise<Uint8Array> => {
      while (buffer.byteLength < n) {
        const chunk = new Uint8Array(Math.max(READ_CHUNK, n - buffer.byteLength))
        const { bytesRead } = await handle.read(chunk, 0, chunk.byteLength, position)
        if (bytesRead === 0) break
        position += bytesRead
        const joined = new Uint8Array(buffer.byteLength + bytesRead)
        joined.set(buffer)
        joined.set(chunk.subarray(0, bytesRead), buffer.byteLength)
        buffer = joined
      }
      const out = buffer.slice(0, n)
      buffer = buffer.subarray(Math.min(n, buffer.byteLength))
      return out
    }
  }
}

function uint32 (value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

/**
 * A {@link SpoolFactory} writing each import's verified blocks to a temp file under `dir` (framed as CID length,
 * CID, length, bytes), so a CAR import holds one block in memory at a time however large the CAR. The file is
 * deleted when the import ends; files left by a crash are removed by {@link clearSpools} at start.
 */
export function fileSpool (dir: string): SpoolFactory {
  return async (): Promise<BlockSpool> => {
    await mkdir(dir, { recursive: true })
    const path = join(dir, `car-${randomBytes(8).toString('hex')}.spool`)
    const handle = await open(path, 'w+')
    let written = 0
    let closed = false
    const close = async (): Promise<void> => {
      if (closed) return
      closed = true
      await handle.close()
    }
    return {
      append: async (cid, bytes) => {
        const frame = new Uint8Array(8 + cid.bytes.byteLength)
        frame.set(uint32(cid.bytes.byteLength))
        frame.set(cid.bytes, 4)
        frame.set(uint32(bytes.byteLength), 4 + cid.bytes.byteLength)
        for (const part of [frame, bytes]) {
          await handle.write(part, 0, part.byteLength, written)
          written += part.byteLength
        }
      },
      blocks: async function * (options) {
        const read = reader(handle)
        let consumed = 0
        while (consumed < written) {
          options?.signal?.throwIfAborted()
          const cidLength = new DataView((await read.take(4)).buffer).getUint32(0)
          const cid = CID.decode(await read.take(cidLength))
          const length = new DataView((await read.take(4)).buffer).getUint32(0)
          const bytes = await read.take(length)
          consumed += 8 + cidLength + length
          yield { cid, bytes }
        }
      },
      discard: async () => {
        await close()
        await rm(path, { force: true })
      }
    }
  }
}

/** Remove spool files an interrupted import left behind. */
export async function clearSpools (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
