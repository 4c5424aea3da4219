import { describe, expect, it } from 'vitest'
import { hashText, normalize, VectorIndex } from '../../core/search/index.ts'

const textOf = (i: number): string => `word${i % 17} word${(i * 7) % 23} item${i}`
const vectorOf = (i: number): Float32Array => hashText(textOf(i), 64, 1, 0.5)

/** Cosine top-k scores by brute force over the vectors as given. */
function bruteForce (query: Float32Array, ids: string[], vectors: Map<string, Float32Array>, k: number, accept: (id: string) => boolean = () => true): number[] {
  const q = normalize(Float32Array.from(query))
  return ids.filter(accept).map(id => {
    const v = normalize(Float32Array.from(vectors.get(id) ?? []))
    let dot = 0
    for (let i = 0; i < q.length; i++) dot += (q[i] ?? 0) * (v[i] ?? 0)
    return { id, dot }
  }).sort((a, b) => b.dot - a.dot).slice(0, k).map(hit => hit.dot)
}

/** Scores equal to 5 decimals (ids can differ only where scores tie). */
function expectScores (got: Array<{ id: string, score: number }>, expected: number[]): void {
  expect(got).toHaveLength(expected.length)
  got.forEach((hit, i) => { expect(hit.score).toBeCloseTo(expected[i] ?? NaN, 5) })
}

describe('VectorIndex once trained (the IVF lists are the only copy of the vectors)', () => {
  it('answers exact and filtered searches from the lists, after retraining, replacing and removing vectors', () => {
    const index = new VectorIndex({ dimensions: 64, trainAt: 128, retrainUntil: 512 })
    const vectors = new Map<string, Float32Array>()
    for (let i = 0; i < 700; i++) { vectors.set(`v${i}`, vectorOf(i)); index.set(`v${i}`, vectorOf(i)) }
    expect(index.trained).toBe(true)
    // replace some vectors and remove others after training
    for (let i = 0; i < 50; i++) { vectors.set(`v${i}`, vectorOf(i + 1000)); index.set(`v${i}`, vectorOf(i + 1000)) }
    for (let i = 50; i < 80; i++) { vectors.delete(`v${i}`); index.delete(`v${i}`) }
    const ids = [...vectors.keys()]
    const even = (id: string): boolean => Number(id.slice(1)) % 2 === 0
    for (let q = 0; q < 20; q++) {
      const query = vectorOf(q * 31 + 5)
      expectScores(index.search(query, 10, { exact: true }), bruteForce(query, ids, vectors, 10))
      const filtered = index.search(query, 10, { accept: even })
      expect(filtered.every(hit => even(hit.id))).toBe(true)
      expectScores(filtered, bruteForce(query, ids, vectors, 10, even))
    }
    const restored = VectorIndex.fromState(index.state())
    expect(restored.size).toBe(ids.length)
    const query = vectorOf(3)
    expectScores(restored.search(query, 10, { exact: true }), index.search(query, 10, { exact: true }).map(hit => hit.score))
  })
})
