import { sha256 } from 'multiformats/hashes/sha2'
import { z } from 'zod'

/** One declared preprocessing step. */
export const pipelineStepSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('dedupe').describe('drop rows whose content (every column) repeats an earlier row, by SHA-256') }),
  z.object({
    op: z.literal('split').describe('assign every row to a split by a hash of its content: the same row always lands in the same split'),
    ratios: z.record(z.string().regex(/^[a-z][\w-]{0,63}$/), z.number().positive()).describe('split → share, e.g. { "train": 0.8, "test": 0.2 } (normalised to sum to 1)'),
    seed: z.string().max(100).optional().describe('changes the assignment, reproducibly')
  }),
  z.object({
    op: z.literal('filter').describe('keep the rows whose column equals a value'),
    column: z.string().min(1).max(200),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()])
  })
])

/** A preprocessing pipeline: steps run in order over every row of a dataset version. */
export const pipelineSpecSchema = z.object({ steps: z.array(pipelineStepSchema).min(1).max(32) })

/** A pipeline spec. */
export type PipelineSpec = z.infer<typeof pipelineSpecSchema>

/** A row and the split it is in. */
export interface SplitRow { split: string, row: Record<string, unknown> }

/** JSON with object keys sorted at every level: one text per value, whatever the key order it was built with. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

async function digestOf (text: string): Promise<Uint8Array> {
  return (await sha256.digest(new TextEncoder().encode(text))).digest
}

/**
 * Run the steps over `rows`. Deterministic: the output depends only on the rows (in order) and the spec, so the same
 * inputs and spec give the same files and the same CID.
 */
export async function runPipeline (rows: readonly SplitRow[], spec: PipelineSpec): Promise<SplitRow[]> {
  let current = [...rows]
  for (const step of spec.steps) {
    if (step.op === 'filter') current = current.filter(r => r.row[step.column] === step.equals)
    else if (step.op === 'dedupe') {
      const seen = new Set<string>()
      const kept: SplitRow[] = []
      for (const r of current) {
        const key = Array.from(await digestOf(canonicalJson(r.row))).join(',')
        if (seen.has(key)) continue
        seen.add(key)
        kept.push(r)
      }
      current = kept
    } else {
      const names = Object.keys(step.ratios).sort()
      const total = names.reduce((sum, n) => sum + (step.ratios[n] ?? 0), 0)
      const next: SplitRow[] = []
      for (const r of current) {
        const d = await digestOf(`${step.seed ?? ''}\u0000${canonicalJson(r.row)}`)
        const at = (((d[0] ?? 0) << 24 >>> 0) + ((d[1] ?? 0) << 16) + ((d[2] ?? 0) << 8) + (d[3] ?? 0)) / 2 ** 32
        let cumulative = 0
        let chosen = names[names.length - 1] ?? 'train'
        for (const name of names) {
          cumulative += (step.ratios[name] ?? 0) / total
          if (at < cumulative) {
            chosen = name
            break
          }
        }
        next.push({ split: chosen, row: r.row })
      }
      current = next
    }
  }
  return current
}

/** The output files of a pipeline run: one `<split>.jsonl` per split, rows in input order, keys as they came. */
export function pipelineFiles (rows: readonly SplitRow[]): Array<{ path: string, content: Uint8Array }> {
  const bySplit = new Map<string, string[]>()
  for (const r of rows) {
    const lines = bySplit.get(r.split) ?? []
    lines.push(JSON.stringify(r.row))
    bySplit.set(r.split, lines)
  }
  return [...bySplit.keys()].sort().map(split => ({ path: `${split}.jsonl`, content: new TextEncoder().encode(`${(bySplit.get(split) ?? []).join('\n')}\n`) }))
}
