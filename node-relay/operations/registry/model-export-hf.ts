import { z } from 'zod'
import { collectBlock } from '../../../core/blocks/bytes.ts'
import { listFiles, renderCard } from '../../../core/registry/index.ts'
import { writeRepoFiles } from '../../storage/huggingface/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { hubBackendField, hubRepoField, huggingfaceBackendOf } from './hf-shapes.ts'
import { kindField, refField } from './shapes.ts'

const output = z.object({
  repo: z.string().describe('the Hub repo written to'),
  branch: z.string().describe('the branch committed to'),
  commit: z.string().describe('the new Hub commit id'),
  paths: z.array(z.string()).describe('the files committed, by path'),
  cardGenerated: z.boolean().describe('true when the version had no README.md and one was written from its record')
})

/** `model_export_hf`: commit a registered version's files to a Hugging Face repo, in the Hub's layout. */
export const modelExportHf = defineOperation({
  name: 'model_export_hf',
  title: 'Export a version to a Hugging Face repo',
  description: 'Export a registered model (or, with kind=dataset, dataset) version to a Hub repo through a configured huggingface backend: every file under the version\'s root is committed at its path in one commit (bytes as stored, so importing the commit again gives the same root CID). A version without a README.md gets a model card written from its record (tags, framework, metrics, name, version and root CID).',
  input: z.object({
    ref: refField('the version to export: name, name@<version> or name@<alias>'),
    repo: hubRepoField('the Hub repo to write to (it must exist): namespace/name'),
    kind: kindField.default('model'),
    branch: z.string().min(1).max(255).default('main').describe('branch to commit to'),
    backend: hubBackendField
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
  scope: 'registry:write',
  requires: ['registry', 'storage'],
  rest: { method: 'POST', path: '/api/v1/hf/exports', status: 201, tag: 'registry' },
  cli: {
    command: ['model', 'push'],
    args: ['ref', 'repo'],
    lines: (out: z.infer<typeof output>) => [`${out.repo}@${out.branch}  ${out.commit}  (${out.paths.length} files${out.cardGenerated ? ', card written from the record' : ''})`]
  },
  async run (components, input, options) {
    const record = registryOf(components).resolve(input.kind, input.ref)
    const backend = huggingfaceBackendOf(components, input.backend)
    options.demand(`storage:${backend.name}:write`)
    const files = []
    for (const file of await listFiles(components.service, record.cid, { signal: options.signal })) {
      files.push({ path: file.path, bytes: await collectBlock(components.service.cat(file.cid, { signal: options.signal })) })
    }
    const cardGenerated = !files.some(f => f.path.toLowerCase() === 'readme.md')
    if (cardGenerated) files.push({ path: 'README.md', bytes: new TextEncoder().encode(renderCard(record)) })
    const title = `ipfs-kit: ${record.kind} ${record.name}@${record.version} (${record.cid})`
    const commit = await writeRepoFiles(backend.connection(), { type: input.kind, name: input.repo }, input.branch, files, title, { signal: options.signal })
    return { repo: input.repo, branch: input.branch, commit, paths: files.map(f => f.path).sort(), cardGenerated }
  }
})
