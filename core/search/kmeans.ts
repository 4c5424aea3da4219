/**
 * Spherical k-means over unit vectors stored row after row in `data`: `sample` lists the rows to train on.
 * Deterministic (the first centroids are evenly spaced rows of the sample). Returns `k` unit centroids, row after row.
 */
export function kmeans (data: Float32Array, dimensions: number, sample: number[], k: number, iterations: number): Float32Array {
  const clusters = Math.min(k, sample.length)
  const centroids = new Float32Array(k * dimensions)
  for (let c = 0; c < clusters; c++) {
    const row = sample[Math.floor(c * sample.length / clusters)] ?? 0
    centroids.set(data.subarray(row * dimensions, (row + 1) * dimensions), c * dimensions)
  }
  const sums = new Float32Array(k * dimensions)
  for (let iteration = 0; iteration < iterations; iteration++) {
    sums.fill(0)
    for (const row of sample) {
      const base = row * dimensions
      let best = 0
      let bestScore = -Infinity
      for (let c = 0; c < clusters; c++) {
        const cBase = c * dimensions
        let score = 0
        for (let i = 0; i < dimensions; i++) score += (data[base + i] ?? 0) * (centroids[cBase + i] ?? 0)
        if (score > bestScore) { bestScore = score; best = c }
      }
      const sBase = best * dimensions
      for (let i = 0; i < dimensions; i++) sums[sBase + i] = (sums[sBase + i] ?? 0) + (data[base + i] ?? 0)
    }
    for (let c = 0; c < clusters; c++) {
      const base = c * dimensions
      let norm = 0
      for (let i = 0; i < dimensions; i++) norm += (sums[base + i] ?? 0) ** 2
      // an empty cluster keeps its old centroid
      if (norm === 0) continue
      const scale = 1 / Math.sqrt(norm)
      for (let i = 0; i < dimensions; i++) centroids[base + i] = (sums[base + i] ?? 0) * scale
    }
  }
  return centroids
}
