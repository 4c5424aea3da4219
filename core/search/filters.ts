import type { SearchFilters } from './types.ts'

type Where = Record<string, unknown>

/** The top-level type of a MIME type: `text` for `text/markdown`. */
export function mimeGroupOf (mime: string): string {
  return mime.split('/')[0]?.toLowerCase() ?? ''
}

function mimeParts (mimes: string[]): { exact: string[], groups: string[] } {
  const exact: string[] = []
  const groups: string[] = []
  for (const mime of mimes) {
    if (mime.endsWith('/*')) groups.push(mimeGroupOf(mime))
    else exact.push(mime.toLowerCase())
  }
  return { exact, groups }
}

/** The filters as an Orama `where` clause (undefined when there are none). */
export function toOramaWhere (filters: SearchFilters): Where | undefined {
  const and: Where[] = []
  if (filters.tags !== undefined && filters.tags.length > 0) and.push({ tags: { containsAll: filters.tags } })
  if (filters.anyTags !== undefined && filters.anyTags.length > 0) and.push({ tags: { containsAny: filters.anyTags } })
  if (filters.mime !== undefined && filters.mime.length > 0) {
    const { exact, groups } = mimeParts(filters.mime)
    const or: Where[] = []
    if (exact.length > 0) or.push({ mime: { in: exact } })
    if (groups.length > 0) or.push({ mimeGroup: { in: groups } })
    and.push(or.length === 1 ? or[0] ?? {} : { or })
  }
  if (filters.minSize !== undefined) and.push({ size: { gte: filters.minSize } })
  if (filters.maxSize !== undefined) and.push({ size: { lte: filters.maxSize } })
  if (filters.addedAfter !== undefined) and.push({ addedAt: { gte: filters.addedAfter } })
  if (filters.addedBefore !== undefined) and.push({ addedAt: { lte: filters.addedBefore } })
  if (and.length === 0) return undefined
  return and.length === 1 ? and[0] : { and }
}
