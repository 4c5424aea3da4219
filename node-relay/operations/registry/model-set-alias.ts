import { z } from 'zod'
import { aliasRecordSchema } from '../../../core/registry/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { kindField, whoCalls } from './shapes.ts'

const output = z.object({ alias: aliasRecordSchema.describe('the alias, with every version it pointed at') })

/** `model_set_alias`: point an alias (`production`, `staging`, any name) at a version, keeping where it pointed before. */
export const modelSetAlias = defineOperation({
  name: 'model_set_alias',
  title: 'Move an alias',
  description: 'Point an alias (production, staging, any name) of a model (or, with kind=dataset, a dataset) at one of its versions; the alias keeps the history of every version it pointed at. A version that does not exist is ERR_VERSION_NOT_FOUND.',
  input: z.object({
    name: z.string().min(1).max(100).describe('model (or dataset) name'),
    alias: z.string().min(1).max(64).describe('alias name, e.g. production'),
    version: z.number().int().min(1).describe('the version to point it at'),
    kind: kindField.optional().describe('model (default) or dataset')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'registry:write',
  requires: ['registry'],
  rest: { method: 'POST', path: '/api/v1/models/:name/aliases/:alias', tag: 'registry' },
  cli: {
    command: ['model', 'alias'],
    args: ['name', 'alias', 'version'],
    lines: (out: z.infer<typeof output>) => [`${out.alias.name}@${out.alias.alias} → ${out.alias.version}  (was: ${out.alias.history.slice(0, -1).map(h => h.version).join(', ') || 'unset'})`]
  },
  async run (components, input, options) {
    const alias = await registryOf(components).setAlias(input.kind ?? 'model', input.name, input.alias, input.version, whoCalls(components, options))
    return { alias }
  }
})
