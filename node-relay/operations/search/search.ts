import { z } from 'zod'
import { parseSearchQuery, searchQuerySchema } from '../../../core/search/query.ts'
import { searchOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const counts = z.record(z.string(), z.number())

/** A search answer as every surface gives it. */
const output = z.object({
  mode: z.string().describe('the mode used'),
  count: z.number().describe('hits before limit/offset'),
  hits: z.array(z.object({
    cid: z.string().describe('CID of the content; `registry:<kind>/<name>` for a registered model or dataset (its metadata.root is the latest version\'s root CID)'),
    score: z.number().describe('relevance: BM25 in text mode, cosine similarity in vector mode, fused 0..1 in hybrid'),
    document: z.object({
      cid: z.string(),
      name: z.string().describe('name given when added or pinned'),
      mime: z.string().describe('MIME type'),
      size: z.number().describe('size in bytes'),
      tags: z.array(z.string()).describe('tags from the pin metadata'),
      textStatus: z.string().describe('extracted, skipped or failed'),
      textNote: z.string().optional().describe('why there is no text, or `truncated`'),
      snippet: z.string().describe('text around the first matched word')
    }).loose().describe('the indexed document')
  })).describe('best first'),
  facets: z.object({ tags: counts.optional(), mime: counts.optional(), size: counts.optional() }).describe('counts per value of each asked facet'),
  elapsedMs: z.number().describe('time the index took')
})

/** `search`: full-text, vector or hybrid search over indexed content. */
export const search = defineOperation({
  name: 'search',
  title: 'Search content',
  description: 'Find stored content by words in its text, name, tags and metadata (mode text: BM25 with typo tolerance and prefixes), by similarity (vector), or both (hybrid). Filter by tags, MIME type, size and date; ask for facet counts. ERR_INVALID_QUERY names a bad field. Read a hit with ipfs_cat. GET /api/v1/search takes the same query as a flat query string.',
  input: searchQuerySchema,
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'search',
  requires: ['search'],
  rest: { method: 'POST', path: '/api/v1/search', tag: 'search' },
  cli: { command: ['search'], custom: true },
  parse: parseSearchQuery,
  async run (components, input, { signal }) {
    return await searchOf(components).search(input, { signal })
  }
})
