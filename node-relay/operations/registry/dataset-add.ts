import { z } from 'zod'
import { readDataset, readRoot, versionRecordSchema } from '../../../core/registry/index.ts'
import { registryOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { parseInputRefs, recordFields, whoCalls } from './shapes.ts'

const output = z.object({ version: versionRecordSchema.describe('the registered dataset version, with its files, splits and row counts') })

/** `dataset_add`: a new dataset version from a directory of Parquet, CSV or JSONL files, read for splits, schema and rows. */
export const datasetAdd = defineOperation({
  name: 'dataset_add',
  title: 'Register a dataset version',
  description: 'Register a new version of a dataset: a UnixFS directory CID already on this node holding Parquet, CSV or JSONL files. Each file is read for its schema and row count (Parquet with hyparquet); splits come from the file names (train/validation/test, as on the Hugging Face Hub) unless `split` names path prefixes. A file that does not parse is ERR_INVALID_DATASET and nothing is registered.',
  input: z.object({
    name: z.string().min(1).max(100).describe('dataset name (letters, digits, . _ -)'),
    cid: cidField('root CID of the version (a directory added first)'),
    split: z.record(z.string().max(64), z.string().max(500)).optional().describe('split=path prefix (comma-separated prefixes), overriding the naming conventions, e.g. train=data/a'),
    format: z.string().max(100).optional().describe('what the files are, for people (parquet, csv, jsonl, images)'),
    ...recordFields
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'registry:write',
  requires: ['registry'],
  rest: { method: 'POST', path: '/api/v1/datasets/:name/versions', status: 201, tag: 'registry' },
  cli: {
    command: ['dataset', 'add'],
    args: ['name', 'cid'],
    flags: { inputs: 'input' },
    lines: (out: z.infer<typeof output>) => [
      `${out.version.name}@${out.version.version}  ${out.version.cid}`,
      ...Object.entries(out.version.dataset?.splits ?? {}).map(([split, s]) => `  ${split}: ${s.rows} rows in ${s.files} file(s)`)
    ]
  },
  async run (components, input, options) {
    const registry = registryOf(components)
    const root = cidOf(input.cid).toString()
    const facts = await readRoot(components.service, root, { signal: options.signal })
    const splits = Object.fromEntries(Object.entries(input.split ?? {}).map(([split, prefixes]) => [split, prefixes.split(',').filter(p => p !== '')]))
    const dataset = await readDataset(components.service, facts.files, splits, { signal: options.signal })
    const { inputs, split: _split, ...rest } = input
    const version = await registry.register({
      ...rest, kind: 'dataset', cid: root, size: facts.size, files: facts.files.length, dataset,
      ...(facts.card === undefined ? {} : { card: facts.card }), inputs: parseInputRefs(inputs), by: whoCalls(components, options)
    }, { signal: options.signal })
    return { version }
  }
})
