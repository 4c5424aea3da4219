import { z } from 'zod'
import { readRoot, versionRecordSchema } from '../../../core/registry/index.ts'
import { registryOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { parseInputRefs, recordFields, whoCalls } from './shapes.ts'

const output = z.object({ version: versionRecordSchema.describe('the registered version') })

/** `model_register`: a new version of a model from a UnixFS directory already added (weights, config, card). */
export const modelRegister = defineOperation({
  name: 'model_register',
  title: 'Register a model version',
  description: 'Register a new version of a model: a UnixFS directory (or file) CID already on this node, with its framework, format, metrics, tags and lineage inputs; a README.md with YAML front matter is read as the model card. Versions are numbered from 1.',
  input: z.object({
    name: z.string().min(1).max(100).describe('model name (letters, digits, . _ -)'),
    cid: cidField('root CID of the version (added first, e.g. with ipfs-kit add -r)'),
    framework: z.string().max(100).optional().describe('e.g. onnx, pytorch, transformers'),
    format: z.string().max(100).optional().describe('e.g. onnx, safetensors, gguf'),
    metrics: z.record(z.string().max(100), z.coerce.number()).optional().describe('evaluation metrics, e.g. accuracy=0.91'),
    ...recordFields
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'registry:write',
  requires: ['registry'],
  rest: { method: 'POST', path: '/api/v1/models/:name/versions', status: 201, tag: 'registry' },
  cli: {
    command: ['model', 'register'],
    args: ['name', 'cid'],
    flags: { inputs: 'input' },
    lines: (out: z.infer<typeof output>) => [`${out.version.name}@${out.version.version}  ${out.version.cid}`]
  },
  async run (components, input, options) {
    const registry = registryOf(components)
    const root = cidOf(input.cid).toString()
    const facts = await readRoot(components.service, root, { signal: options.signal })
    const { inputs, metrics, ...rest } = input
    const version = await registry.register({
      ...rest, kind: 'model', cid: root, size: facts.size, files: facts.files.length, ...(facts.card === undefined ? {} : { card: facts.card }),
      ...(metrics === undefined ? {} : { metrics }), inputs: parseInputRefs(inputs), by: whoCalls(components, options)
    }, { signal: options.signal })
    return { version }
  }
})
