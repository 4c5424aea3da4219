import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { readDataset, readRoot, versionRecordSchema } from '../../../core/registry/index.ts'
import { readRepoFiles, resolveRevision } from '../../storage/huggingface/index.ts'
import { registryOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { hubBackendField, hubRepoField, huggingfaceBackendOf } from './hf-shapes.ts'
import { kindField, recordFields, whoCalls } from './shapes.ts'

/** Bytes an import holds in memory at most (the files are read whole, verified, then added). */
const MAX_IMPORT_BYTES = 2 * 1024 ** 3

const output = z.object({
  version: versionRecordSchema.describe('the registered version; `origin` names the repo and the Hub commit its files were read at'),
  commit: z.string().describe('the Hub commit id the revision named'),
  paths: z.array(z.string()).describe('the files imported, by path in the repo')
})

/** `model_import_hf`: register a Hugging Face model or dataset repo at a revision as a new version, files verified. */
export const modelImportHf = defineOperation({
  name: 'model_import_hf',
  title: 'Import a Hugging Face repo',
  description: 'Import a model (or, with kind=dataset, a dataset) repo from the Hugging Face Hub at a revision, through a configured huggingface backend (its Hub URL and token): the revision is resolved to its commit, every file is downloaded at that commit and checked against the id the Hub lists (LFS sha256 or git blob id), added as one UnixFS directory and registered as a new version whose record names the repo and the commit. A README.md is read as the model card; dataset files are read for splits and rows.',
  input: z.object({
    repo: hubRepoField('the Hub repo to import: namespace/name'),
    kind: kindField.default('model'),
    revision: z.string().min(1).max(255).default('main').describe('branch, tag or commit id'),
    name: z.string().min(1).max(100).optional().describe('registry name (default: the repo\'s name without its namespace)'),
    backend: hubBackendField,
    description: recordFields.description,
    tags: recordFields.tags,
    alias: recordFields.alias
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
  scope: 'registry:write',
  requires: ['registry', 'storage'],
  rest: { method: 'POST', path: '/api/v1/hf/imports', status: 201, tag: 'registry' },
  cli: {
    command: ['model', 'pull'],
    args: ['repo'],
    lines: (out: z.infer<typeof output>) => [`${out.version.kind} ${out.version.name}@${out.version.version}  ${out.version.cid}  (${out.paths.length} files at ${out.commit})`]
  },
  async run (components, input, options) {
    const registry = registryOf(components)
    const backend = huggingfaceBackendOf(components, input.backend)
    options.demand(`storage:${backend.name}:read`)
    const conn = backend.connection()
    const repo = { type: input.kind, name: input.repo }
    const commit = await resolveRevision(conn, repo, input.revision, { signal: options.signal })
    const files = await readRepoFiles(conn, repo, commit, { signal: options.signal, maxBytes: MAX_IMPORT_BYTES })
    if (files.length === 0) throw new InvalidInputError(`${input.repo} has no files at ${commit}`)
    const added = await components.service.addAll(files.map(f => ({ path: `repo/${f.path}`, content: f.bytes })), { signal: options.signal, name: `hf:${input.repo}@${commit}` })
    const root = added.find(r => r.path === 'repo')?.cid.toString()
    if (root === undefined) throw new InvalidInputError('the import wrote no directory')
    const facts = await readRoot(components.service, root, { signal: options.signal })
    const dataset = input.kind === 'dataset' ? await readDataset(components.service, facts.files, {}, { signal: options.signal }) : undefined
    const version = await registry.register({
      kind: input.kind, name: input.name ?? input.repo.slice(input.repo.indexOf('/') + 1), cid: root, size: facts.size, files: facts.files.length,
      ...(facts.card === undefined ? {} : { card: facts.card }), ...(dataset === undefined ? {} : { dataset }),
      ...(input.description === undefined ? {} : { description: input.description }), ...(input.tags === undefined ? {} : { tags: input.tags }),
      ...(input.alias === undefined ? {} : { alias: input.alias }),
      origin: { hub: conn.hubUrl, repo: input.repo, repoType: input.kind, revision: input.revision, commit },
      by: whoCalls(components, options)
    }, { signal: options.signal })
    return { version, commit, paths: files.map(f => f.path) }
  }
})
