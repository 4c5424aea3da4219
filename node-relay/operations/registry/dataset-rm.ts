import { z } from 'zod'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { refField } from './shapes.ts'

const output = z.object({
  removed: z.string().describe('the version removed, name@version'),
  cid: z.string().describe('its root CID (still pinned: unpin it to let gc reclaim it)'),
  dependents: z.array(z.string()).describe('versions made from it (removed only with force)'),
  aliases: z.array(z.string()).describe('aliases that pointed at it, removed with it')
})

/** `dataset_rm`: remove a dataset version from the registry; one that others were made from needs `force`. */
export const datasetRm = defineOperation({
  name: 'dataset_rm',
  title: 'Remove a dataset version',
  description: 'Remove one dataset version from the registry (its content stays pinned). A version that a registered model or dataset declared as an input is refused with ERR_HAS_DEPENDENTS naming them, unless `force`; aliases pointing at it are removed with it.',
  input: z.object({
    ref: refField('name@<version> or name@<alias>'),
    force: z.boolean().optional().describe('remove it even though registered versions were made from it')
  }),
  output,
  annotations: { readOnly: false, destructive: true, idempotent: false, openWorld: false },
  scope: 'registry:write',
  requires: ['registry'],
  rest: { method: 'DELETE', path: '/api/v1/datasets/:ref', tag: 'registry' },
  cli: {
    command: ['dataset', 'rm'],
    args: ['ref'],
    lines: (out: z.infer<typeof output>) => [`removed ${out.removed}${out.dependents.length > 0 ? ` (inputs of: ${out.dependents.join(', ')})` : ''}`]
  },
  async run (components, input) {
    const out = await registryOf(components).removeVersion('dataset', input.ref, { force: input.force ?? false })
    return { removed: `${out.removed.name}@${out.removed.version}`, cid: out.removed.cid, dependents: out.dependents, aliases: out.aliases }
  }
})
