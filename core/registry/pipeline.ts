import { sha256 } from 'multiformats/hashes/sha2'
import { z } from 'zod'

/** The built-ins a `map` step can name. */
export const MAP_FUNCTIONS = ['lowercase', 'trim', 'strip_html', 'select'] as const

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
  }),
  z.object({
    op: z.literal('map').describe('change every row with a named built-in (no code is run)'),
    fn: z.enum(MAP_FUNCTIONS).describe('lowercase / trim / strip_html: a string column; select: keep only `columns`, in that order'),
    column: z.string().min(1).max(200).optional().describe('the column lowercase, trim and strip_html change (other value types are left as they are)'),
    columns: z.array(z.string().min(1).max(200)).min(1).max(1000).optional().describe('select: the columns to keep')
  }).refine(step => step.fn === 'select' ? step.columns !== undefined : step.column !== undefined, { message: 'map: select takes `columns`, the other functions take `column`' }),
  z.object({
    op: z.literal('shard').describe('cut each split into n files of consecutive rows: the last step'),
    shards: z.number().int().min(1).max(1024).describe('shards per split (fewer when a split has fewer rows)'),
    by: z.enum(['rows', 'bytes']).default('rows').describe('rows: shards of (almost) equal row counts; bytes: of (almost) equal bytes of JSONL')
  })
])

/** A preprocessing pipeline: steps run in order over every row of a dataset version. */
export const pipelineSpecSchema = z.object({ steps: z.array(pipelineStepSchema).min(1).max(32) })
  .refine(spec => spec.steps.every((step, i) => step.op !== 'shard' || i === spec.steps.length - 1), { message: 'shard must be the last step' })

/** A pipeline spec. */
export type PipelineSpec = z.infer<typeof pipelineSpecSchema>

/** A row, the split it is in, and its shard when a shard step ran. */
export interface SplitRow { split: string, row: Record<string, unknown>, shard?: { index: number, of: number } }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" }

/** Text without HTML tags (script and style content dropped), the common entities decoded, spaces collapsed. */
export function stripHtml (html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (ENTITIES[name.toLowerCase()] !== undefined) return ENTITIES[name.toLowerCase()] ?? whole
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
      return whole
    })
    .replace(/\s+/g, ' ')
    .trim()
}

type MapStep = Extract<z.infer<typeof pipelineStepSchema>, { op: 'map' }>

function mapRow (row: Record<string, unknown>, step: MapStep): Record<string, unknown> {
  if (step.fn === 'select') return Object.fromEntries((step.columns ?? []).filter(c => c in row).map(c => [c, row[c]]))
  const column = step.column ?? ''
  const value = row[column]
  if (typeof value !== 'string') return row
  const changed = step.fn === 'lowercase' ? value.toLowerCase() : step.fn === 'trim' ? value.trim() : stripHtml(value)
  return { ...row, [column]: changed }
}

/** Consecutive shards of one split's rows: equal row counts (the first ones one longer), or equal JSONL bytes. */
function shardRows (rows: readonly SplitRow[], shards: number, by: 'rows' | 'bytes'): SplitRow[] {
  const n = Math.min(shards, rows.length)
  if (by === 'rows') {
    const base = Math.floor(rows.length / n)
    const extra = rows.length % n
    const out: SplitRow[] = []
    let at = 0
    for (let index = 0; index < n; index++) {
      const size = base + (index < extra ? 1 : 0)
      for (const r of rows.slice(at, at + size)) out.push({ ...r, shard: { index, of: n } })
      at += size
    }
    return out
  }
  const sizes = rows.map(r => new TextEncoder().encode(JSON.stringify(r.row)).byteLength + 1)
  const total = sizes.reduce((a, b) => a + b, 0)
  const indexes: number[] = []
  let cumulative = 0
  for (let i = 0; i < rows.length; i++) {
    // the shard whose byte range holds this row's midpoint, never more shards than rows left allow
    const mid = cumulative + (sizes[i] ?? 0) / 2
    cumulative += sizes[i] ?? 0
    // consecutive and never empty: no shard skipped, and enough rows left for the shards after this one
    const previous = indexes[i - 1] ?? 0
    const lowest = Math.max(previous, n - (rows.length - i))
    const highest = i === 0 ? 0 : Math.min(previous + 1, n - 1)
    indexes.push(Math.min(highest, Math.max(lowest, Math.floor(mid / total * n))))
  }
  return rows.map((r, i) => ({ ...r, shard: { index: indexes[i] ?? 0, of: n } }))
}

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
    else if (step.op === 'map') current = current.map(r => ({ split: r.split, row: mapRow(r.row, step) }))
    else if (step.op === 'shard') {
      const splits = [...new Set(current.map(r => r.split))]
      current = splits.flatMap(split => shardRows(current.filter(r => r.split === split), step.shards, step.by))
    }
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

/**
 * The output files of a pipeline run: one `<split>.jsonl` per split, or `<split>-00000-of-00004.jsonl` per shard (the
 * Hugging Face Hub's naming), rows in input order, keys as they came.
 */
export function pipelineFiles (rows: readonly SplitRow[]): Array<{ path: string, content: Uint8Array }> {
  const bySplit = new Map<string, string[]>()
  const pad = (n: number): string => String(n).padStart(5, '0')
  for (const r of rows) {
    const file = r.shard === undefined ? r.split : `${r.split}-${pad(r.shard.index)}-of-${pad(r.shard.of)}`
    const lines = bySplit.get(file) ?? []
    lines.push(JSON.stringify(r.row))
    bySplit.set(file, lines)
  }
  return [...bySplit.keys()].sort().map(split => ({ path: `${split}.jsonl`, content: new TextEncoder().encode(`${(bySplit.get(split) ?? []).join('\n')}\n`) }))
}
