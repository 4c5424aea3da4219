import type { StoredDocument } from './orama-db.ts'
import type { FacetCounts, FacetName } from './types.ts'

/** Size buckets of the `size` facet: label and inclusive lower / exclusive upper bound in bytes. */
export const SIZE_BUCKETS = [
  { label: '<1KiB', from: 0, to: 1024 },
  { label: '1KiB-1MiB', from: 1024, to: 1024 ** 2 },
  { label: '1MiB-100MiB', from: 1024 ** 2, to: 100 * 1024 ** 2 },
  { label: '>=100MiB', from: 100 * 1024 ** 2, to: Number.MAX_SAFE_INTEGER }
] as const

/** The size bucket label of a byte count. */
export function sizeBucket (size: number): string {
  return SIZE_BUCKETS.find(bucket => size >= bucket.from && size < bucket.to)?.label ?? '>=100MiB'
}

/** Orama facet settings for the asked facets (number facets need explicit ranges). */
export function oramaFacets (names: FacetName[]): Record<string, unknown> | undefined {
  if (names.length === 0) return undefined
  const facets: Record<string, unknown> = {}
  for (const name of names) {
    // Orama's number ranges include both ends; stop each just under the next bucket
    facets[name] = name === 'size' ? { ranges: SIZE_BUCKETS.map(b => ({ from: b.from, to: b.to - 1 })) } : { limit: 100 }
  }
  return facets
}

/** Convert Orama's facet result (`{ tags: { values: { a: 2 } } }`, ranges keyed `from-to`) to ours. */
export function fromOramaFacets (names: FacetName[], raw: Record<string, { values: Record<string, number> }> | undefined): Partial<Record<FacetName, FacetCounts>> {
  const facets: Partial<Record<FacetName, FacetCounts>> = {}
  for (const name of names) {
    const values = raw?.[name]?.values ?? {}
    if (name !== 'size') {
      facets[name] = { ...values }
      continue
    }
    const counts: FacetCounts = {}
    for (const bucket of SIZE_BUCKETS) counts[bucket.label] = values[`${bucket.from}-${bucket.to - 1}`] ?? 0
    facets.size = counts
  }
  return facets
}

/** Count facets over documents (vector and hybrid hits, which Orama does not see as one result set). */
export function countFacets (names: FacetName[], docs: StoredDocument[]): Partial<Record<FacetName, FacetCounts>> {
  const facets: Partial<Record<FacetName, FacetCounts>> = {}
  for (const name of names) {
    const counts: FacetCounts = {}
    if (name === 'size') for (const bucket of SIZE_BUCKETS) counts[bucket.label] = 0
    for (const doc of docs) {
      const values = name === 'tags' ? doc.tags : name === 'mime' ? [doc.mime] : [sizeBucket(doc.size)]
      for (const value of values) counts[value] = (counts[value] ?? 0) + 1
    }
    facets[name] = counts
  }
  return facets
}
