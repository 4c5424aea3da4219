import { normalize } from './embedder.ts'
import type { Embedder } from './embedder.ts'
import type { AbortOptions } from '../abort.ts'

/** Settings of {@link createHashingEmbedder}. */
export interface HashingEmbedderInit {
  /** Vector length (default 384, the size of common small sentence models). */
  dimensions?: number
  /** Weight of whole words against character trigrams (default 1 : 0.5). */
  wordWeight?: number
  trigramWeight?: number
}

const WORD = /[\p{L}\p{N}]+/gu

/** FNV-1a, 32 bits. */
function hash (text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function add (vector: Float32Array, feature: string, weight: number): void {
  const h = hash(feature)
  // the top bit picks the sign, so collisions cancel out on average instead of piling up
  const sign = (h & 0x80000000) === 0 ? 1 : -1
  const slot = (h & 0x7fffffff) % vector.length
  vector[slot] = (vector[slot] ?? 0) + sign * weight
}

/** Embed one text: signed feature hashing of its words and their character trigrams, L2-normalised. */
export function hashText (text: string, dimensions: number, wordWeight: number, trigramWeight: number): Float32Array {
  const vector = new Float32Array(dimensions)
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0]
    add(vector, `w:${word}`, wordWeight)
    const padded = `^${word}$`
    for (let i = 0; i + 3 <= padded.length; i++) add(vector, padded.slice(i, i + 3), trigramWeight)
  }
  return normalize(vector)
}

/**
 * A deterministic embedder that needs no model: signed feature hashing of words and character trigrams into a
 * normalised vector. It measures **lexical similarity** (shared words, shared word pieces such as `planet` /
 * `planets`), not meaning: `car` and `automobile` are unrelated to it. Use a real model
 * (`createTransformersEmbedder` on the relay) for meaning.
 *
 * @example
 * ```ts
 * const embedder = createHashingEmbedder()
 * const [vector] = await embedder.embed(['hello world'])
 * ```
 */
export function createHashingEmbedder (init: HashingEmbedderInit = {}): Embedder {
  const dimensions = init.dimensions ?? 384
  const wordWeight = init.wordWeight ?? 1
  const trigramWeight = init.trigramWeight ?? 0.5
  return {
    id: `hashing-v1:${dimensions}:${wordWeight}:${trigramWeight}`,
    dimensions,
    embed: async (texts: string[], options?: AbortOptions) => {
      options?.signal?.throwIfAborted()
      return texts.map(text => hashText(text, dimensions, wordWeight, trigramWeight))
    }
  }
}
