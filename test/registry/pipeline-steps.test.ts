/**
 * The `map` and `shard` pipeline steps on rows (core/registry/pipeline.ts): each named built-in, shards by rows and
 * by bytes (consecutive, none empty, the Hub's file naming), and specs the schema refuses.
 */
import { describe, expect, it } from 'vitest'
import { pipelineFiles, pipelineSpecSchema, runPipeline, stripHtml } from '../../core/registry/index.ts'
import type { SplitRow } from '../../core/registry/index.ts'

const rows = (n: number, split = 'train'): SplitRow[] => Array.from({ length: n }, (_, i) => ({ split, row: { id: i, text: `Row <b>${i}</b>`, extra: 'x'.repeat(i) } }))
const run = async (input: readonly SplitRow[], steps: unknown[]): Promise<SplitRow[]> => runPipeline(input, pipelineSpecSchema.parse({ steps }))

describe('map', () => {
  it('lowercases, trims and strips HTML from one string column, leaving other values', async () => {
    const input: SplitRow[] = [{ split: 'train', row: { text: '  <p>Hello &amp; <i>World</i>&#33;</p><script>x()</script> ', n: 3 } }, { split: 'train', row: { text: 7 } }]
    expect((await run(input, [{ op: 'map', fn: 'strip_html', column: 'text' }])).map(r => r.row)).toEqual([{ text: 'Hello & World !', n: 3 }, { text: 7 }])
    expect((await run(input, [{ op: 'map', fn: 'trim', column: 'text' }, { op: 'map', fn: 'lowercase', column: 'text' }]))[0]?.row.text).toBe('<p>hello &amp; <i>world</i>&#33;</p><script>x()</script>')
    expect(stripHtml('a&lt;b&gt;&#x41;&nbsp;c')).toBe('a<b>A c')
  })

  it('selects columns in the given order, skipping missing ones', async () => {
    const out = await run(rows(2), [{ op: 'map', fn: 'select', columns: ['text', 'id', 'missing'] }])
    expect(out.map(r => Object.keys(r.row))).toEqual([['text', 'id'], ['text', 'id']])
  })

  it('refuses a map without its column(s), an unknown built-in, and a shard that is not last', () => {
    expect(pipelineSpecSchema.safeParse({ steps: [{ op: 'map', fn: 'select' }] }).success).toBe(false)
    expect(pipelineSpecSchema.safeParse({ steps: [{ op: 'map', fn: 'lowercase' }] }).success).toBe(false)
    expect(pipelineSpecSchema.safeParse({ steps: [{ op: 'map', fn: 'eval', column: 'text' }] }).success).toBe(false)
    expect(pipelineSpecSchema.safeParse({ steps: [{ op: 'shard', shards: 2 }, { op: 'dedupe' }] }).success).toBe(false)
  })
})

describe('shard', () => {
  it('by rows: consecutive shards of almost equal counts per split, named like the Hub', async () => {
    const out = await run([...rows(10), ...rows(2, 'test')], [{ op: 'shard', shards: 3 }])
    const files = pipelineFiles(out)
    expect(files.map(f => f.path)).toEqual(['test-00000-of-00002.jsonl', 'test-00001-of-00002.jsonl', 'train-00000-of-00003.jsonl', 'train-00001-of-00003.jsonl', 'train-00002-of-00003.jsonl'])
    const lines = (path: string): number[] => new TextDecoder().decode(files.find(f => f.path === path)?.content).trim().split('\n').map(l => (JSON.parse(l) as { id: number }).id)
    expect(lines('train-00000-of-00003.jsonl')).toEqual([0, 1, 2, 3])
    expect(lines('train-00001-of-00003.jsonl')).toEqual([4, 5, 6])
    expect(lines('train-00002-of-00003.jsonl')).toEqual([7, 8, 9])
  })

  it('by bytes: consecutive, none empty, the bytes spread more evenly than by rows', async () => {
    const input = rows(40) // row i is about 30 + i bytes: later rows are bigger
    const bytesOf = (out: SplitRow[]): number[] => pipelineFiles(out).map(f => f.content.byteLength)
    const byBytes = await run(input, [{ op: 'shard', shards: 4, by: 'bytes' }])
    const byRows = await run(input, [{ op: 'shard', shards: 4 }])
    expect(byBytes.map(r => r.row.id)).toEqual(input.map(r => r.row.id))
    const indexes = byBytes.map(r => r.shard?.index ?? -1)
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b))
    expect(new Set(indexes)).toEqual(new Set([0, 1, 2, 3]))
    const spread = (sizes: number[]): number => Math.max(...sizes) - Math.min(...sizes)
    expect(spread(bytesOf(byBytes))).toBeLessThan(spread(bytesOf(byRows)))
    expect(pipelineFiles(await run(rows(3), [{ op: 'shard', shards: 8, by: 'bytes' }])).map(f => f.path)).toEqual(['train-00000-of-00003.jsonl', 'train-00001-of-00003.jsonl', 'train-00002-of-00003.jsonl'])
  })
})
