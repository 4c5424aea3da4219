import { z } from 'zod'
import { formatBytes } from '../../../core/format/bytes.ts'
import { storageOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { errorInfo } from './shapes.ts'

const output = z.object({
  cid: z.string().describe('the root CID'),
  placements: z.array(z.object({
    backend: z.string().describe('backend name'),
    ok: z.boolean().describe('the copy is stored and recorded'),
    locator: z.string().optional().describe('where the copy lives, e.g. s3://bucket/ipfs/<cid>.car'),
    size: z.number().optional().describe('bytes stored'),
    error: errorInfo.optional().describe('why the placement failed')
  })).describe('the local copy first, then one entry per chosen backend')
})

/** `storage_put`: place copies of a DAG on backends. */
export const storagePut = defineOperation({
  name: 'storage_put',
  title: 'Place copies of content on backends',
  description: 'Keep content on storage backends: stores the DAG under a CID locally (fetching missing blocks from peers), then places a copy on each backend in `to` (or the configured placement policy). Returns one entry per placement; a failed one carries its error code and is not recorded. Placing again is harmless.',
  input: z.object({
    cid: cidField('root CID of the content to place'),
    to: z.array(z.string().min(1).max(64)).max(32).optional().describe('backend names (see backend_list); default: the placement policy')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  // per-backend policy: each named backend needs its own write scope (demanded in run); the policy's choice needs all
  scope: 'storage:*:write',
  requires: ['storage'],
  rest: { method: 'POST', path: '/api/v1/storage/:cid', tag: 'storage' },
  cli: {
    command: ['storage', 'put'],
    args: ['cid'],
    lines: (report: z.infer<typeof output>) => report.placements.map(p => p.ok
      ? `placed ${report.cid} on ${p.backend}: ${p.locator ?? ''} (${formatBytes(p.size ?? 0)})`
      : `FAILED ${report.cid} on ${p.backend}: ${p.error?.code ?? ''} ${p.error?.message ?? ''}`),
    failed: (report: z.infer<typeof output>) => report.placements.some(p => !p.ok)
  },
  async run (components, input, { signal, demand }) {
    const cid = cidOf(input.cid)
    for (const name of input.to ?? ['*']) demand(`storage:${name}:write`)
    const report = await storageOf(components).put(cid, { source: components.service.content.blocks, signal, ...(input.to === undefined ? {} : { to: input.to }) })
    return { cid: report.cid, placements: report.placements }
  }
})
