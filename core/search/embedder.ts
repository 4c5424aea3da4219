import type { AbortOptions } from '../abort.ts'

/**
 * Turns texts into fixed-length vectors for vector and hybrid search. Vectors are compared by cosine similarity;
 * an embedder should return them L2-normalised (the index normalises again to be safe).
 */
export interface Embedder {
  /** Stable id of the model and its settings; a snapshot made with another id cannot reuse its vectors. */
  readonly id: string
  /** Length of every vector. */
  readonly dimensions: number
  /** One vector per text, in order. */
  embed: (texts: string[], options?: AbortOptions) => Promise<Float32Array[]>
}

/** Scale a vector to unit length in place (a zero vector stays zero); returns it. */
export function normalize (vector: Float32Array): Float32Array {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += (vector[i] ?? 0) * (vector[i] ?? 0)
  if (sum === 0) return vector
  const scale = 1 / Math.sqrt(sum)
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) * scale
  return vector
}

/** The text a document is embedded from: its name, tags and the start of its text. */
export function embeddingText (doc: { name: string, tags: string[], text: string }, maxChars = 4000): string {
  return [doc.name, doc.tags.join(' '), doc.text.slice(0, maxChars)].filter(s => s !== '').join('\n')
}
