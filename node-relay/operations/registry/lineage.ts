import { z } from 'zod'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { kindField, refField } from './shapes.ts'

const output = z.object({
  root: z.string().describe('id of the version asked about (kind/name@version)'),
  nodes: z.array(z.object({
    id: z.string().describe('kind/name@version, or the CID of an unregistered input'),
    cid: z.string().describe('root CID'),
    kind: kindField.optional(),
    name: z.string().optional(),
    version: z.number().optional()
  })).describe('versions and inputs in the graph'),
  edges: z.array(z.object({
    from: z.string().describe('the input'),
    to: z.string().describe('what was made from it'),
    role: z.string().optional().describe('what it was used as')
  })).describe('made-from edges')
})

/** `lineage`: what a version was made from, and what was made from it. */
export const lineage = defineOperation({
  name: 'lineage',
  title: 'Trace lineage',
  description: 'The lineage graph around a model or dataset version: `up` follows its declared inputs (what it was trained on), `down` the versions that declared it as an input (what was derived from it), `both` (default) both.',
  input: z.object({
    ref: refField('name, name@<version> or name@<alias>'),
    kind: kindField.optional().describe('model (default) or dataset'),
    direction: z.enum(['up', 'down', 'both']).optional().describe('up: inputs; down: derived versions; both (default)'),
    depth: z.number().int().min(1).max(64).optional().describe('most steps to walk each way (default 16)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/lineage/:ref', tag: 'registry' },
  cli: {
    command: ['model', 'lineage'],
    args: ['ref'],
    lines: (out: z.infer<typeof output>) => out.edges.map(e => `${e.from} → ${e.to}${e.role === undefined ? '' : `  (${e.role})`}`)
  },
  async run (components, input) {
    return registryOf(components).lineage(input.kind ?? 'model', input.ref, { direction: input.direction ?? 'both', depth: input.depth ?? 16 })
  }
})
