import { describe, expect, it } from 'vitest'
import { hashText, VectorIndex } from '../../core/search/index.ts'
import { ProductQuantizer, scoreCodes } from '../../core/search/product-quantizer.ts'
import { decodeSnapshot, encodeSnapshot } from '../../core/search/snapshot.ts'

/** Documents of a few topic words and random common words, hashed like the default embedder (weakly clustered). */
function corpus (count: number, dimensions: number, seed = 1): Float32Array[] {
  let state = seed
  const random = (): number => { state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0; return state / 4_294_967_296 }
  return Array.from({ length: count }, () => {
    const topic = Math.floor(random() * 40)
    const words: string[] = []
    for (let w = 0; w < 20; w++) words.push(random() < 0.4 ? `t${topic}w${Math.floor(random() * 12)}` : `c${Math.floor(random() ** 2 * 3000)}`)
    return hashText(words.join(' '), dimensions, 1, 0.5)
  })
}

const dot = (a: Float32Array, b: Float32Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0); return s }

function exactTop (query: Float32Array, vectors: Float32Array[], k: number): string[] {
  return vectors.map((v, i) => ({ id: `v${i}`, score: dot(query, v) })).sort((a, b) => b.score - a.score).slice(0, k).map(h => h.id)
}

describe('ProductQuantizer', () => {
  it('approximates dot products from 4-bit codes, also when the dimensions do not fill whole code words', () => {
    for (const dimensions of [64, 50]) {
      const vectors = corpus(1500, dimensions)
      const data = new Float32Array(vectors.length * dimensions)
      vectors.forEach((v, i) => data.set(v, i * dimensions))
      const quantizer = ProductQuantizer.train(data, dimensions, Array.from({ length: 1000 }, (_, i) => i))
      expect(quantizer.words).toBe(Math.ceil(Math.ceil(dimensions / 4) / 8))
      const codes = new Uint32Array(vectors.length * quantizer.words)
      vectors.forEach((v, i) => quantizer.encode(v, codes, i * quantizer.words))
      let error = 0
      let pairs = 0
      for (let q = 0; q < 20; q++) {
        const query = vectors[1000 + q] ?? new Float32Array(dimensions)
        const tables = quantizer.tables(query)
        for (let i = 0; i < 300; i++) {
          error += Math.abs(scoreCodes(codes, i * quantizer.words, quantizer.words, tables) - dot(query, vectors[i] ?? query))
          pairs++
        }
      }
      // cosines of these vectors spread over about ±0.5; the codes keep them within a few hundredths on average
      expect(error / pairs).toBeLessThan(0.06)
    }
  })

  it('refuses a codebook of the wrong size', () => {
    expect(() => new ProductQuantizer(384, new Float32Array(10))).toThrow(RangeError)
  })
})

describe('VectorIndex with quantized codes', () => {
  const dimensions = 64
  const vectors = corpus(6000, dimensions, 7)
  const queries = corpus(60, dimensions, 99)

  function build (): VectorIndex {
    const index = new VectorIndex({ dimensions, trainAt: 1024, retrainUntil: 2048 })
    vectors.forEach((v, i) => index.set(`v${i}`, v))
    return index
  }

  function recall (index: VectorIndex, options: { rerank?: number } = {}): number {
    let found = 0
    for (const query of queries) {
      const want = new Set(exactTop(query, vectors, 10))
      found += index.search(query, 10, { minScore: -1, ...options }).filter(hit => want.has(hit.id)).length
    }
    return found / (queries.length * 10)
  }

  it('reaches recall@10 ≥ 0.95 against an exact scan, with exact scores for what it returns', () => {
    const index = build()
    expect(index.trained).toBe(true)
    expect(recall(index)).toBeGreaterThanOrEqual(0.95)
    const query = queries[0] ?? new Float32Array(dimensions)
    for (const hit of index.search(query, 10)) expect(hit.score).toBeCloseTo(dot(query, vectors[Number(hit.id.slice(1))] ?? query), 5)
    // the re-rank is what buys the recall: the codes alone (10 candidates for 10 hits) find fewer
    expect(recall(index, { rerank: 10 })).toBeLessThan(recall(index))
  })

  it('keeps codes in step with the rows through replacements, removals and a snapshot round trip', () => {
    const index = build()
    const replacements = corpus(200, dimensions, 555)
    for (let i = 0; i < 200; i++) index.set(`v${i}`, replacements[i] ?? new Float32Array(dimensions))
    for (let i = 200; i < 400; i++) index.delete(`v${i}`)
    const state = index.state()
    expect(state.codebook).toBeInstanceOf(Float32Array)
    expect(state.codes?.length).toBe(state.ids.length * 2)
    const decoded = decodeSnapshot(encodeSnapshot({ embedderId: 'test', text: new Map(), vectors: state }))
    expect(decoded.vectors.codes).toEqual(state.codes)
    expect(decoded.vectors.codebook).toEqual(state.codebook)
    const restored = VectorIndex.fromState(decoded.vectors)
    for (const query of queries.slice(0, 20)) {
      const hits = index.search(query, 10)
      expect(restored.search(query, 10)).toEqual(hits)
      expect(hits.every(hit => { const n = Number(hit.id.slice(1)); return n < 200 || n >= 400 })).toBe(true)
    }
  })

  it('encodes the rows of a trained state that has no codes (made before the quantizer) when it loads', () => {
    const { codebook, codes, ...older } = build().state()
    expect(codebook).toBeDefined()
    expect(codes).toBeDefined()
    const restored = VectorIndex.fromState(older)
    expect(restored.state().codes?.length).toBe(older.ids.length * 2)
    expect(recall(restored)).toBeGreaterThanOrEqual(0.95)
  })

  it('refuses a snapshot whose codes do not match its vectors, with ERR_SNAPSHOT_MISMATCH', () => {
    const state = build().state()
    const bytes = encodeSnapshot({ embedderId: 'test', text: new Map(), vectors: { ...state, codes: state.codes?.subarray(0, 10) } })
    expect(() => decodeSnapshot(bytes)).toThrow(expect.objectContaining({ code: 'ERR_SNAPSHOT_MISMATCH' }))
  })
})
