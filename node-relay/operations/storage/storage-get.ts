import { z } from 'zod'
import { blocksToCar } from '../../../core/storage/index.ts'
import { storageOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineDownload } from '../operation.ts'
import { primed } from '../primed.ts'

/** `storage_get`: a DAG read from the best (or a named) backend, as a verified CAR. */
export const storageGet = defineDownload({
  kind: 'download',
  name: 'storage_get',
  title: 'Read content from the backends as a CAR',
  description: 'Read a DAG from the best backend holding it (local first, then copies by latency and cost, then gateways; falling back on failure), or only from `from`, as a CARv1. Every block is verified; a copy that fails verification is marked and skipped (event storage:corrupt). Nothing is stored here: use storage_fetch to keep it.',
  input: z.object({
    cid: cidField('root CID of the DAG'),
    from: z.string().min(1).max(64).optional().describe('read only from this backend')
  }),
  output: z.object({
    cid: z.string().describe('the root read'),
    from: z.string().optional().describe('the backend asked for, if any')
  }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  // per-backend policy: reading from a named backend needs its read scope (demanded in open), any backend all of them
  scope: 'storage:*:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/storage/:cid', tag: 'storage' },
  cli: { command: ['storage', 'get'], args: ['cid'] },
  async open (components, input, { signal, demand }) {
    const cid = cidOf(input.cid)
    demand(`storage:${input.from ?? '*'}:read`)
    const blocks = await primed(storageOf(components).get(cid, { signal, ...(input.from === undefined ? {} : { from: input.from }) }))
    return {
      output: { cid: cid.toString(), ...(input.from === undefined ? {} : { from: input.from }) },
      body: blocksToCar(cid, blocks),
      mediaType: 'application/vnd.ipld.car; version=1',
      filename: `${cid.toString()}.car`
    }
  }
})
