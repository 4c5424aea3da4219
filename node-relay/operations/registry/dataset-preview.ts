import { z } from 'zod'
import { datasetFormatOf, previewDatasetFile, rangedFile } from '../../../core/registry/index.ts'
import { NotFoundError } from '../../../core/errors/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { refField } from './shapes.ts'

const output = z.object({
  ref: z.string().describe('the version previewed, name@version'),
  file: z.string().describe('the file the rows come from'),
  split: z.string().describe('its split'),
  columns: z.array(z.object({ name: z.string(), type: z.string() })).describe('schema of the file'),
  rows: z.array(z.record(z.string(), z.unknown())).describe('the first rows, as objects'),
  totalRows: z.number().describe('rows in the file')
})

/** `dataset_preview`: the first rows of a dataset version's file, read by range from the content store. */
export const datasetPreview = defineOperation({
  name: 'dataset_preview',
  title: 'Preview a dataset',
  description: 'The first rows of one file of a dataset version (the first file of `split`, default train, unless `file` names one), read by byte range: a Parquet footer and first row group, not the whole file.',
  input: z.object({
    ref: refField('name, name@<version> or name@<alias>'),
    split: z.string().max(64).optional().describe('split to preview (default: train, else the first split)'),
    file: z.string().max(1000).optional().describe('path of the file inside the version'),
    rows: z.number().int().min(1).max(1000).optional().describe('rows to return (default 20)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/datasets/:ref/preview', tag: 'registry' },
  cli: {
    command: ['dataset', 'preview'],
    args: ['ref'],
    lines: (out: z.infer<typeof output>) => [
      `${out.ref}  ${out.file} (${out.split}, ${out.totalRows} rows)`,
      out.columns.map(c => c.name).join('\t'),
      ...out.rows.map(row => out.columns.map(c => JSON.stringify(row[c.name] ?? null)).join('\t'))
    ]
  },
  async run (components, input, { signal }) {
    const record = registryOf(components).resolve('dataset', input.ref)
    const files = record.dataset?.files ?? []
    const split = input.split ?? (files.some(f => f.split === 'train') ? 'train' : files[0]?.split)
    const file = input.file === undefined ? files.find(f => f.split === split) : files.find(f => f.path === input.file)
    const format = file === undefined ? undefined : datasetFormatOf(file.path)
    if (file === undefined || format === undefined) throw new NotFoundError(`${record.name}@${record.version} has no ${input.file === undefined ? `file in split "${split ?? 'train'}"` : `dataset file "${input.file}"`} (files: ${files.map(f => f.path).join(', ') || 'none'})`)
    const rows = await previewDatasetFile(rangedFile(components.service, file, { signal }), format, input.rows ?? 20)
    return { ref: `${record.name}@${record.version}`, file: file.path, split: file.split, columns: file.columns, rows, totalRows: file.rows }
  }
})
