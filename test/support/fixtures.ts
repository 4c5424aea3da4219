import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes (length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** A raw block and its CID. */
export async function rawBlock (bytes: Uint8Array<ArrayBuffer>): Promise<{ cid: CID, bytes: Uint8Array<ArrayBuffer> }> {
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/** Collect a byte stream into one array. */
export async function collect (stream: AsyncIterable<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of stream) {
    chunks.push(chunk)
    length += chunk.byteLength
  }
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** Split bytes into chunks of `size`, as a stream would deliver them. */
export async function * chunked (bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size)
}

/** Await a promise that must reject; return the error for assertions on its `code`. */
export async function rejection (promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise
  } catch (err) {
    if (err instanceof Error) return err
    throw new Error(`rejected with a non-Error: ${String(err)}`, { cause: err })
  }
  throw new Error('expected the promise to reject, but it resolved')
}

/**
 * Describe how two byte arrays differ ('equal' when they don't). Vitest's deep equality walks typed arrays
 * element by element and takes seconds on megabytes, so tests compare with this instead:
 * `expect(byteDiff(a, b)).toBe('equal')`.
 */
export function byteDiff (actual: Uint8Array, expected: Uint8Array): string {
  if (actual.byteLength !== expected.byteLength) return `length ${actual.byteLength} != expected ${expected.byteLength}`
  for (let i = 0; i < actual.byteLength; i++) {
    if (actual[i] !== expected[i]) return `first difference at byte ${i}`
  }
  return 'equal'
}
