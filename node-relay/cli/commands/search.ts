import { Command, Option } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { nonNegativeInt } from '../options.ts'

const hitSchema = z.looseObject({
  cid: z.string(),
  score: z.number(),
  document: z.looseObject({ name: z.string(), mime: z.string(), size: z.number(), tags: z.array(z.string()), snippet: z.string() })
})

const resultSchema = z.looseObject({
  mode: z.string(),
  count: z.number(),
  hits: z.array(hitSchema),
  facets: z.record(z.string(), z.record(z.string(), z.number()))
})

type SearchResultJson = z.infer<typeof resultSchema>

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

interface SearchFlags { mode?: string, tag?: string[], mime?: string[], limit?: number, offset?: number, facet?: string[] }

function lines (result: SearchResultJson): string[] {
  const out = [`${result.count} hit${result.count === 1 ? '' : 's'} (${result.mode})`]
  for (const hit of result.hits) {
    const doc = hit.document
    out.push(`${hit.cid}  ${hit.score.toFixed(3)}  ${doc.name === '' ? '(unnamed)' : doc.name}  ${doc.mime}  ${doc.size} B${doc.tags.length > 0 ? `  [${doc.tags.join(', ')}]` : ''}`)
    if (doc.snippet !== '') out.push(`    ${doc.snippet}`)
  }
  for (const [facet, counts] of Object.entries(result.facets)) {
    out.push(`${facet}: ${Object.entries(counts).map(([value, n]) => `${value} ${n}`).join(', ')}`)
  }
  return out
}

/** `ipfs-kit search <query>`: full-text, vector or hybrid search on the relay. */
export function searchCommand (): Command {
  return new Command('search')
    .description('search stored content by text, name, tags and metadata')
    .argument('<query...>', 'words to look for')
    .addOption(new Option('--mode <mode>', 'text (BM25, typo tolerant), vector (similarity) or hybrid').choices(['text', 'vector', 'hybrid']))
    .option('--tag <tag>', 'only content with this tag (repeatable: all must match)', collect)
    .option('--mime <type>', 'only this MIME type, e.g. text/markdown or text/* (repeatable)', collect)
    .option('--facet <name>', 'count a facet: tags, mime or size (repeatable)', collect)
    .option('--limit <n>', 'hits to show (default 10)', nonNegativeInt)
    .option('--offset <n>', 'hits to skip', nonNegativeInt)
    .action(async (words: string[], flags: SearchFlags, command: Command) => {
      const context = contextOf(command)
      const result = await context.client.json('/api/v1/search', resultSchema, {
        method: 'POST',
        body: {
          json: {
            query: words.join(' '),
            mode: flags.mode,
            filters: { tags: flags.tag, mime: flags.mime },
            facets: flags.facet,
            limit: flags.limit,
            offset: flags.offset
          }
        }
      })
      printResult(context, result, () => lines(result))
    })
}
