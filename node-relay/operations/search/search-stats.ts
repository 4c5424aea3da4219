import { z } from 'zod'
import { searchOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  documents: z.number().describe('documents in the index'),
  loadedFromSnapshot: z.boolean().describe('the index came from the snapshot on disk'),
  indexedSinceStart: z.number().describe('documents (re)indexed since start'),
  embedder: z.string().describe('the embedder of vector search'),
  approximateVectors: z.boolean().describe('unfiltered vector queries use the IVF lists (approximate)')
})

/** `search_stats`: the index's state. */
export const searchStats = defineOperation({
  name: 'search_stats',
  title: 'Search index state',
  description: 'How many documents the search index holds, whether it was loaded from its snapshot, and which embedder vector search uses.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'search',
  requires: ['search'],
  rest: { method: 'GET', path: '/api/v1/search/stats', tag: 'search' },
  async run (components) {
    return searchOf(components).stats()
  }
})
