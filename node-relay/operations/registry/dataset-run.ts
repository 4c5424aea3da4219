import { z } from 'zod'
import { InvalidInputError, TooLargeError } from '../../../core/errors/index.ts'
import { canonicalJson, datasetFormatOf, pipelineFiles, pipelineSpecSchema, previewDatasetFile, rangedFile, readDataset, readRoot, runPipeline, versionRecordSchema } from '../../../core/registry/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { refField, whoCalls } from './shapes.ts'
import type { SplitRow } from '../../../core/registry/index.ts'

/** Rows a pipeline run holds in memory at most. */
const MAX_ROWS = 1_000_000

const output = z.object({
  version: versionRecordSchema.describe('the new dataset version: its lineage names the input version and the spec'),
  rows: z.number().describe('rows written')
})

/** `dataset_run`: run declared preprocessing steps over a dataset version; the output is a new version with lineage. */
export const datasetRun = defineOperation({
  name: 'dataset_run',
  title: 'Run a preprocessing pipeline',
  description: 'Run declared steps (dedupe by content hash, split by a hash of each row, filter by a column value, map with a named built-in: lowercase, trim, strip_html, select; shard into n files by rows or bytes, last) over every row of a dataset version, on the relay. The output is written as one <split>.jsonl per split (<split>-00000-of-0000n.jsonl per shard) and registered as a new version of `to` with lineage to the input and the spec as its transform: the same input and spec give the same CID.',
  input: z.object({
    ref: refField('the input dataset: name, name@<version> or name@<alias>'),
    spec: pipelineSpecSchema.describe('the steps, e.g. {"steps":[{"op":"dedupe"},{"op":"map","fn":"strip_html","column":"text"},{"op":"split","ratios":{"train":0.8,"test":0.2}},{"op":"shard","shards":4}]}'),
    to: z.string().min(1).max(100).describe('dataset name the output is registered under'),
    alias: z.string().max(64).optional().describe('point this alias at the new version')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'registry:write',
  requires: ['registry'],
  rest: { method: 'POST', path: '/api/v1/datasets/:ref/runs', status: 201, tag: 'registry' },
  cli: {
    command: ['dataset', 'run'],
    args: ['ref', 'spec'],
    lines: (out: z.infer<typeof output>) => [`${out.version.name}@${out.version.version}  ${out.version.cid}  (${out.rows} rows)`]
  },
  async run (components, input, options) {
    const registry = registryOf(components)
    const source = registry.resolve('dataset', input.ref)
    const files = source.dataset?.files ?? []
    const total = files.reduce((sum, f) => sum + f.rows, 0)
    if (total > MAX_ROWS) throw new TooLargeError(`${source.name}@${source.version} has ${total} rows; pipelines hold at most ${MAX_ROWS} in memory`)
    const rows: SplitRow[] = []
    for (const file of files) {
      const format = datasetFormatOf(file.path)
      if (format === undefined) continue
      for (const row of await previewDatasetFile(rangedFile(components.service, file, { signal: options.signal }), format, Number.POSITIVE_INFINITY)) rows.push({ split: file.split, row })
    }
    const out = await runPipeline(rows, input.spec)
    if (out.length === 0) throw new InvalidInputError(`the pipeline kept no rows of ${source.name}@${source.version}: nothing to register`)
    const added = await components.service.addAll(pipelineFiles(out).map(f => ({ path: `out/${f.path}`, content: f.content })), { signal: options.signal })
    const root = added.find(r => r.path === 'out')?.cid.toString()
    if (root === undefined) throw new InvalidInputError('the pipeline wrote no directory')
    const facts = await readRoot(components.service, root, { signal: options.signal })
    const dataset = await readDataset(components.service, facts.files, {}, { signal: options.signal })
    const version = await registry.register({
      kind: 'dataset', name: input.to, cid: root, size: facts.size, files: facts.files.length, dataset, format: 'jsonl',
      inputs: [{ ref: `dataset:${source.name}@${source.version}`, role: 'pipeline-input' }], transform: canonicalJson(input.spec),
      by: whoCalls(components, options), ...(input.alias === undefined ? {} : { alias: input.alias })
    }, { signal: options.signal })
    return { version, rows: out.length }
  }
})
