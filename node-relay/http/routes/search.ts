import { MAX_LIMIT } from '../../../core/search/query.ts'
import { parseInput } from '../../operations/input.ts'
import { search } from '../../operations/search/search.ts'
import { demandScope } from '../auth-guard.ts'
import { errorSchema } from '../errors.ts'
import { abortSignalOf } from '../abort.ts'
import type { OperationComponents } from '../../operations/operation.ts'
import type { FastifyInstance } from 'fastify'

const hitSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' },
    score: { type: 'number' },
    document: {
      type: 'object',
      properties: {
        cid: { type: 'string' }, name: { type: 'string' }, mime: { type: 'string' }, size: { type: 'number' },
        tags: { type: 'array', items: { type: 'string' } },
        metadata: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
        addedAt: { type: 'number' }, updatedAt: { type: 'number' },
        textStatus: { type: 'string', enum: ['extracted', 'skipped', 'failed'] },
        textNote: { type: 'string', description: 'why there is no text, or `truncated`' },
        snippet: { type: 'string' }
      }
    }
  }
} as const

const counts = { type: 'object', additionalProperties: { type: 'number' } } as const

const resultSchema = {
  type: 'object',
  properties: {
    mode: { type: 'string' },
    count: { type: 'number', description: 'hits before limit/offset' },
    hits: { type: 'array', items: hitSchema },
    facets: { type: 'object', properties: { tags: counts, mime: counts, size: counts } },
    elapsedMs: { type: 'number' }
  }
} as const

const badQuerySchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string', description: 'ERR_INVALID_QUERY (with `field`) or ERR_INVALID_INPUT' }, message: { type: 'string' }, field: { type: 'string', description: 'the bad field, e.g. filters.minSize' } }
} as const

const filterProperties = {
  tags: { type: 'string', description: 'comma-separated: documents must have every tag' },
  anyTags: { type: 'string', description: 'comma-separated: documents must have one of the tags' },
  mime: { type: 'string', description: 'comma-separated MIME types; text/* keeps a whole type' },
  minSize: { type: 'string', description: 'smallest size in bytes' },
  maxSize: { type: 'string', description: 'largest size in bytes' },
  addedAfter: { type: 'string', description: 'ISO date or ms since epoch' },
  addedBefore: { type: 'string', description: 'ISO date or ms since epoch' }
} as const

const FILTER_KEYS = Object.keys(filterProperties)

/** A query string (flat: `?q=...&tags=a,b&facets=tags,mime`) as the search query shape; validation comes after. */
function fromQueryString (qs: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const filters: Record<string, unknown> = {}
  const query: Record<string, unknown> = { filters }
  for (const [key, value] of Object.entries(qs)) {
    if (value === undefined) continue
    if (FILTER_KEYS.includes(key)) filters[key] = value
    else if (key === 'q') query.query = value
    else if (key === 'facets') query.facets = (Array.isArray(value) ? value : value.split(',')).map(s => s.trim()).filter(s => s !== '')
    else query[key] = value
  }
  return query
}

/**
 * `GET /api/v1/search`: the `search` operation (node-relay/operations/search) with its query as a flat query string
 * (`?q=...&tags=a,b&facets=tags,mime`), for links and curl; `POST /api/v1/search` and `search_stats` are the
 * operations' own routes.
 */
export function searchRoutes (app: FastifyInstance, components: OperationComponents): void {
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/api/v1/search', {
    schema: {
      summary: 'Search content and metadata (query string)',
      description: 'Full-text (BM25, typo tolerance, prefixes), vector or hybrid search over indexed content, with metadata filters and facets. A malformed query gets 400 ERR_INVALID_QUERY with `field`. The same as POST /api/v1/search with a flat query string.',
      tags: ['search'],
      querystring: {
        type: 'object',
        properties: {
          q: { type: 'string', description: 'words to look for' },
          mode: { type: 'string', description: 'text (default), vector or hybrid' },
          facets: { type: 'string', description: 'comma-separated: tags, mime, size' },
          limit: { type: 'string', description: `1-${MAX_LIMIT}, default 10` },
          offset: { type: 'string' },
          tolerance: { type: 'string', description: 'typo tolerance 0-3, default 1' },
          vectorWeight: { type: 'string', description: 'hybrid: share of the vector score, 0-1' },
          ...filterProperties
        }
      },
      response: { 200: resultSchema, 400: badQuerySchema, '4xx': errorSchema }
    }
  }, async (request, reply) => {
    const input = parseInput(search, fromQueryString(request.query), false)
    return await search.run(components, input, { signal: abortSignalOf(request, reply), demand: (scope) => { demandScope(request, scope) } })
  })
}
