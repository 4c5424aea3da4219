import { z } from 'zod'
import { parseReference } from '../../../core/registry/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { refField, resolvedOutput, resolvedShape } from './shapes.ts'

/** `model_get`: resolve `name`, `name@3` or `name@production` to its version record. */
export const modelGet = defineOperation({
  name: 'model_get',
  title: 'Resolve a model version',
  description: 'The model version a reference names (`name` for the latest, `name@3`, `name@production`): its root CID and record, with every version and alias of the name.',
  input: z.object({ ref: refField('name, name@<version> or name@<alias>') }),
  output: resolvedShape,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/models/:ref', tag: 'registry' },
  cli: {
    command: ['model', 'show'],
    args: ['ref'],
    lines: (out: z.infer<typeof resolvedShape>) => [
      `${out.resolved.name}@${out.resolved.version}  ${out.resolved.cid}`,
      ...out.aliases.map(a => `  @${a.alias} → ${a.version}`)
    ]
  },
  async run (components, input) {
    const registry = registryOf(components)
    const resolved = registry.resolve('model', input.ref)
    return resolvedOutput(registry.entry('model', parseReference(input.ref).name), resolved)
  }
})
