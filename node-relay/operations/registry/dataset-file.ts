import { z } from 'zod'
import { InvalidRangeError, NotAFileError, NotFoundError } from '../../../core/errors/index.ts'
import { registryOf } from '../components.ts'
import { defineDownload } from '../operation.ts'
import { primed } from '../primed.ts'
import { refField } from './shapes.ts'

/**
 * `dataset_file`: one file of a dataset version (a shard, a split's file) streamed by name and version rather than by
 * CID, verified block by block; a range of it with `offset`/`length` or, over REST, a `Range` header (206), so a
 * training job reads a shard in pieces and resumes where it stopped.
 */
export const datasetFile = defineDownload({
  kind: 'download',
  name: 'dataset_file',
  title: 'Read a dataset file',
  description: 'Stream one file of a dataset version (`name`, `name@2`, `name@stable`) by its path inside the version, e.g. `train-00000-of-00004.jsonl`, verified against the version\'s CID block by block. `offset`/`length` select a range (REST also honours `Range`, answering 206), so shards can be read in pieces.',
  input: z.object({
    ref: refField('name, name@<version> or name@<alias>'),
    file: z.string().min(1).max(1000).describe('path of the file inside the version (dataset_get lists them), as dataset_preview names it'),
    offset: z.number().int().min(0).optional().describe('first byte to read (default 0)'),
    length: z.number().int().min(0).optional().describe('bytes to read (default: to the end of the file)')
  }),
  output: z.object({
    ref: z.string().describe('the version read, name@version'),
    cid: z.string().describe('what was read: `<version root>/<path>`'),
    size: z.number().describe('the whole file\'s size in bytes'),
    offset: z.number().describe('first byte returned'),
    length: z.number().describe('bytes returned')
  }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['registry'],
  rest: { method: 'GET', path: '/api/v1/datasets/:ref/files/:file', subpath: true, tag: 'registry' },
  cli: { command: ['dataset', 'cat'], args: ['ref', 'file'] },
  ranged: true,
  async open (components, input, { signal }) {
    const record = registryOf(components).resolve('dataset', input.ref)
    const path = input.file.replace(/^\/+/, '')
    const target = `${record.cid}/${path}`
    const stat = await components.service.stat(target, { signal }).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'ERR_NOT_FOUND') {
        const listed = (record.dataset?.files ?? []).map(f => f.path)
        throw new NotFoundError(`${record.name}@${record.version} has no file "${path}"${listed.length === 0 ? '' : ` (dataset files: ${listed.join(', ')})`}`)
      }
      throw err
    })
    if (stat.type === 'directory' || stat.type === 'object') throw new NotAFileError(`${path} in ${record.name}@${record.version} is a ${stat.type}, not a file`)
    const offset = input.offset ?? 0
    if (offset > stat.size) throw new InvalidRangeError(`offset ${offset} is past the end of the file (${stat.size} bytes)`)
    const length = Math.min(input.length ?? stat.size - offset, stat.size - offset)
    const body = length === 0 ? (async function * () {})() : await primed(components.service.cat(target, { offset, length, signal }))
    return {
      output: { ref: `${record.name}@${record.version}`, cid: target, size: stat.size, offset, length },
      body,
      mediaType: path.endsWith('.jsonl') ? 'application/jsonl' : path.endsWith('.csv') ? 'text/csv' : 'application/octet-stream',
      length,
      etag: `"${stat.cid.toString()}"`,
      total: stat.size,
      offset,
      filename: path.split('/').at(-1)
    }
  }
})
