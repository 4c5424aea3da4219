/**
 * Benchmark input data: pseudo-random bytes from a fixed seed, written once to a file under `os.tmpdir()` and
 * reused by later runs (a 1 GiB file is not regenerated each time). The bytes are the AES-256-CTR keystream of
 * key = SHA-256(seed), zero IV: deterministic, incompressible, and generated at disk speed.
 */
import { createCipheriv, createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ReadStream } from 'node:fs'

/** The seed every benchmark uses unless told otherwise. */
export const DEFAULT_SEED = 'ipfs-kit-bench-v1'

/** Read size for every stream over the data file: 1 MiB, the chunk size of the DAGs built. */
export const READ_CHUNK_BYTES = 1_048_576

/** Directory holding the reusable data files. */
export const DATA_DIR = join(tmpdir(), 'ipfs-kit-bench-data')

/** Returns the path of a file of `bytes` seeded pseudo-random bytes, generating it only if it is missing. */
export async function ensureDataFile (bytes: number, seed: string = DEFAULT_SEED): Promise<string> {
  const path = join(DATA_DIR, `${createHash('sha256').update(seed).digest('hex').slice(0, 12)}-${bytes}.bin`)
  const existing = await stat(path).catch(() => undefined)
  if (existing?.size === bytes) return path

  await mkdir(DATA_DIR, { recursive: true })
  const partial = `${path}.${process.pid}.partial`
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16))
  const zeros = Buffer.alloc(READ_CHUNK_BYTES)
  const file = await open(partial, 'w')
  try {
    for (let written = 0; written < bytes; written += READ_CHUNK_BYTES) {
      const length = Math.min(READ_CHUNK_BYTES, bytes - written)
      await file.write(cipher.update(zeros.subarray(0, length)))
    }
  } finally {
    await file.close()
  }
  await rename(partial, path)
  return path
}

/** A stream over the data file in `READ_CHUNK_BYTES` chunks. */
export function readData (path: string): ReadStream {
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })
}

/** Creates a fresh directory under `os.tmpdir()`; call the returned `remove` when done. */
export async function freshTempDir (prefix: string): Promise<{ path: string, remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `ipfs-kit-bench-${prefix}-`))
  return {
    path,
    remove: async () => { await rm(path, { recursive: true, force: true }) }
  }
}
