import { z } from 'zod'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { entryOutput, entryShape } from './shapes.ts'

const output = z.object({ items: z.array(entryShape).describe('matching datasets, by name') })

/** `dataset_list`: registered datasets, optionally matching words or a tag. */
export const datasetList = defineOperation({
  name: 'dataset_list',
  title: 'List or search datasets',
  description: 'Registered datasets with their versions and aliases; `query` keeps those whose name, description, tags or card contain every word, `tag` those with a version tagged so.',
  input: z.object({
    query: z.string().max(200).optional().describe('words that must all appear (name, description, tags, card)'),
    tag: z.string().max(100).optional().describe('only datasets with a version carrying this tag'),
    limit: z.number().int().min(1).max(10_000).optional().describe('most datasets to return (default 100)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/datasets', tag: 'registry' },
  cli: {
    command: ['dataset', 'ls'],
    args: ['query'],
    lines: (out: z.infer<typeof output>) => out.items.map(item => `${item.name}  v${item.latest.version}  ${Object.entries(item.latest.dataset?.splits ?? {}).map(([s, v]) => `${s}:${v.rows}`).join(' ')}`)
  },
  aliases: ['dataset_search'],
  async run (components, input) {
    const entries = registryOf(components).list('dataset', { ...(input.query === undefined ? {} : { query: input.query }), ...(input.tag === undefined ? {} : { tag: input.tag }) })
    return { items: entries.slice(0, input.limit ?? 100).map(entryOutput) }
  }
})
