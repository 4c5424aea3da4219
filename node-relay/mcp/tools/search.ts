import { z } from 'zod'
import { MAX_LIMIT } from '../../../core/search/query.ts'
import { guarded, toolResult } from '../tool-result.ts'
import type { RelaySearch } from '../../search/relay-search.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

const hitSchema = z.object({
  cid: z.string().describe('CID of the content'),
  score: z.number().describe('relevance: BM25 in text mode, cosine similarity in vector mode, fused 0..1 in hybrid'),
  name: z.string().describe('name given when added or pinned'),
  mime: z.string().describe('MIME type'),
  size: z.number().describe('size in bytes'),
  tags: z.array(z.string()).describe('tags from the pin metadata'),
  textStatus: z.enum(['extracted', 'skipped', 'failed']).describe('whether the text could be indexed'),
  textNote: z.string().optional().describe('why there is no text, or `truncated`'),
  snippet: z.string().describe('text around the first matched word')
})

const countsSchema = z.record(z.string(), z.number())

/** `search`: full-text, vector or hybrid search over indexed content (registered when the relay's search is on). */
export function registerSearchTool (server: McpServer, ctx: McpToolContext, search: RelaySearch): void {
  server.registerTool('search', {
    title: 'Search content',
    description: 'Find stored content by words in its text, name, tags and metadata (mode text: BM25 with typo tolerance and prefixes), by similarity (vector), or both (hybrid). Filter by tags, MIME type, size and date; ask for facet counts. ERR_INVALID_QUERY names a bad field. Read a hit with ipfs_cat.',
    inputSchema: z.object({
      query: z.string().max(1000).describe('words to look for; may be empty in text mode to list by filters'),
      mode: z.enum(['text', 'vector', 'hybrid']).optional().describe('text (default), vector or hybrid'),
      tags: z.array(z.string()).optional().describe('only content with every one of these tags'),
      anyTags: z.array(z.string()).optional().describe('only content with at least one of these tags'),
      mime: z.array(z.string()).optional().describe('only these MIME types; text/* keeps a whole type'),
      minSize: z.number().int().nonnegative().optional().describe('smallest size in bytes'),
      maxSize: z.number().int().nonnegative().optional().describe('largest size in bytes'),
      addedAfter: z.string().optional().describe('indexed at or after this ISO date'),
      addedBefore: z.string().optional().describe('indexed at or before this ISO date'),
      facets: z.array(z.enum(['tags', 'mime', 'size'])).optional().describe('facets to count over all hits'),
      limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`hits to return (default 10, at most ${MAX_LIMIT})`),
      offset: z.number().int().min(0).optional().describe('hits to skip, for paging')
    }),
    outputSchema: z.object({
      mode: z.string().describe('the mode used'),
      count: z.number().describe('hits before limit/offset'),
      hits: z.array(hitSchema).describe('best first'),
      facets: z.object({ tags: countsSchema.optional(), mime: countsSchema.optional(), size: countsSchema.optional() }).describe('counts per value of each asked facet')
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('search', async (args, extra: ToolExtra) => {
    const { query, mode, facets, limit, offset, ...filters } = args
    const result = await search.search({ query, mode, facets, limit, offset, filters }, { signal: extra.signal })
    const hits = result.hits.map(hit => {
      const { document: doc } = hit
      return { cid: hit.cid, score: hit.score, name: doc.name, mime: doc.mime, size: doc.size, tags: doc.tags, textStatus: doc.textStatus, ...(doc.textNote === undefined ? {} : { textNote: doc.textNote }), snippet: doc.snippet }
    })
    return toolResult({ mode: result.mode, count: result.count, hits, facets: result.facets })
  }, ctx.onUnexpectedError))
}
