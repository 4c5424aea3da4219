import { z } from 'zod'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { entryOutput, entryShape } from './shapes.ts'

const output = z.object({ items: z.array(entryShape).describe('matching models, by name') })

/** `model_search`: registered models, optionally those matching words (name, description, tags, card) or a tag. */
export const modelSearch = defineOperation({
  name: 'model_search',
  title: 'List or search models',
  description: 'Registered models with their versions and aliases; `query` keeps those whose name, description, framework, tags or model card contain every word, `tag` those with a version tagged so.',
  input: z.object({
    query: z.string().max(200).optional().describe('words that must all appear (name, description, framework, tags, card)'),
    tag: z.string().max(100).optional().describe('only models with a version carrying this tag'),
    limit: z.number().int().min(1).max(10_000).optional().describe('most models to return (default 100)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/models', tag: 'registry' },
  cli: {
    command: ['model', 'ls'],
    args: ['query'],
    lines: (out: z.infer<typeof output>) => out.items.map(item => `${item.name}  v${item.latest.version}  ${item.aliases.map(a => `${a.alias}→${a.version}`).join(' ')}`)
  },
  aliases: ['model_list'],
  async run (components, input) {
    const entries = registryOf(components).list('model', { ...(input.query === undefined ? {} : { query: input.query }), ...(input.tag === undefined ? {} : { tag: input.tag }) })
    return { items: entries.slice(0, input.limit ?? 100).map(entryOutput) }
  }
})
