import { z } from 'zod'
import { parseReference } from '../../../core/registry/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { refField, resolvedOutput, resolvedShape } from './shapes.ts'

/** `dataset_get`: resolve a dataset reference to its version: files, splits, schema and row counts. */
export const datasetGet = defineOperation({
  name: 'dataset_get',
  title: 'Resolve a dataset version',
  description: 'The dataset version a reference names (`name`, `name@2`, `name@stable`): its root CID, files with their splits, schema and row counts, and every version and alias of the name.',
  input: z.object({ ref: refField('name, name@<version> or name@<alias>') }),
  output: resolvedShape,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/datasets/:ref', tag: 'registry' },
  cli: {
    command: ['dataset', 'show'],
    args: ['ref'],
    lines: (out: z.infer<typeof resolvedShape>) => [
      `${out.resolved.name}@${out.resolved.version}  ${out.resolved.cid}`,
      ...(out.resolved.dataset?.files ?? []).map(f => `  ${f.split}  ${f.path}  ${f.rows} rows  ${f.columns.map(c => `${c.name}:${c.type}`).join(', ')}`)
    ]
  },
  async run (components, input) {
    const registry = registryOf(components)
    const resolved = registry.resolve('dataset', input.ref)
    return resolvedOutput(registry.entry('dataset', parseReference(input.ref).name), resolved)
  }
})
