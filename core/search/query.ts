import { z } from 'zod'
import { InvalidQueryError } from './errors.ts'
import type { SearchQuery } from './types.ts'

/** Largest page of hits one query returns. */
export const MAX_LIMIT = 100

const list = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(64)])
  .transform(value => typeof value === 'string' ? value.split(',').map(s => s.trim()).filter(s => s !== '') : value)

const time = z.union([z.number().int().nonnegative(), z.string().min(1)]).transform((value, ctx) => {
  if (typeof value === 'number') return value
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO date or milliseconds since epoch' })
    return z.NEVER
  }
  return ms
})

const count = z.coerce.number().int().nonnegative()

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i

/** Filters as callers may write them (strings where a form or query string gives strings). */
export const filtersSchema = z.object({
  tags: list.optional().describe('documents must have every one of these tags'),
  anyTags: list.optional().describe('documents must have at least one of these tags'),
  mime: list.pipe(z.array(z.string().regex(MIME_PATTERN, 'expected a MIME type like text/plain or text/*'))).optional()
    .describe('MIME types to keep; text/* keeps a whole top-level type'),
  minSize: count.optional().describe('smallest size in bytes'),
  maxSize: count.optional().describe('largest size in bytes'),
  addedAfter: time.optional().describe('indexed at or after this time (ISO date or ms since epoch)'),
  addedBefore: time.optional().describe('indexed at or before this time (ISO date or ms since epoch)')
}).strict()

/** A search request as callers may write it: everything but `query` has a default. */
export const searchQuerySchema = z.object({
  query: z.string().max(1000).default('').describe('words to look for; empty lists documents matching the filters'),
  mode: z.enum(['text', 'vector', 'hybrid']).default('text').describe('text: BM25 with typo tolerance and prefixes; vector: embedding similarity; hybrid: both fused'),
  filters: filtersSchema.default({}).describe('metadata filters; all must hold'),
  facets: z.array(z.enum(['tags', 'mime', 'size'])).max(3).default([]).describe('facets to count over the hits'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(10).describe(`hits to return (1-${MAX_LIMIT})`),
  offset: z.coerce.number().int().min(0).max(10_000).default(0).describe('hits to skip'),
  tolerance: z.coerce.number().int().min(0).max(3).default(1).describe('typo tolerance: largest edit distance per word'),
  vectorWeight: z.coerce.number().min(0).max(1).default(0.5).describe('hybrid mode: share of the vector score (0..1)')
}).strict()

/** A search request before validation. */
export type SearchQueryInput = z.input<typeof searchQuerySchema>

/**
 * Validate a query. A malformed one throws {@link InvalidQueryError} naming the first bad field
 * (`filters.minSize`, `mode`, ...), which the HTTP API returns as a 400.
 */
export function parseSearchQuery (input: unknown): SearchQuery {
  const result = searchQuerySchema.safeParse(input ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]
    const path = issue === undefined || issue.path.length === 0 ? 'query' : issue.path.map(String).join('.')
    // unknown keys are reported on their parent: name the key itself
    const field = issue?.code === 'unrecognized_keys' ? [...issue.path.map(String), issue.keys[0] ?? ''].filter(s => s !== '').join('.') : path
    throw new InvalidQueryError(field, issue?.message ?? 'invalid')
  }
  const query = result.data
  if (query.mode !== 'text' && query.query.trim() === '') throw new InvalidQueryError('query', `${query.mode} search needs words to embed`)
  const { minSize, maxSize, addedAfter, addedBefore } = query.filters
  if (minSize !== undefined && maxSize !== undefined && minSize > maxSize) throw new InvalidQueryError('filters.minSize', 'is larger than filters.maxSize')
  if (addedAfter !== undefined && addedBefore !== undefined && addedAfter > addedBefore) throw new InvalidQueryError('filters.addedAfter', 'is later than filters.addedBefore')
  return query
}
