import { CID } from 'multiformats/cid'
import { z } from 'zod'
import { storageOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const copy = z.object({
  backend: z.string().describe('backend name'),
  state: z.enum(['ok', 'corrupt', 'missing']).describe('ok, or marked by a failed read'),
  size: z.number().describe('bytes the backend holds for it'),
  verifiedAt: z.string().optional().describe('when a read last verified every block')
})

const output = z.object({
  items: z.array(z.object({
    cid: z.string().describe('root CID (v1)'),
    copies: z.array(copy).describe('one entry per backend holding it')
  })).describe('every CID with a recorded copy, in CID order'),
  truncated: z.boolean().describe('true when there are more CIDs than `limit`')
})

/** `storage_list`: every recorded copy, grouped by CID (where each item lives). */
export const storageList = defineOperation({
  name: 'storage_list',
  title: 'Where everything lives',
  description: 'Every CID the reference index knows with the backends holding a copy of it (state, size, last verification); `backend` keeps only CIDs with a copy there.',
  input: z.object({
    backend: z.string().optional().describe('only CIDs with a copy on this backend'),
    limit: z.number().int().min(1).max(100_000).optional().describe('most CIDs to return (default 1000)')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/storage', tag: 'storage' },
  cli: {
    command: ['storage', 'ls'],
    lines: (out: z.infer<typeof output>) => out.items.map(item => `${item.cid}  ${item.copies.map(c => c.state === 'ok' ? c.backend : `${c.backend}(${c.state})`).join(', ')}`)
  },
  async run (components, input, { signal }) {
    const limit = input.limit ?? 1000
    const byCid = new Map<string, Array<z.infer<typeof copy>>>()
    for await (const ref of storageOf(components).index.all({ signal })) {
      const cid = CID.parse(ref.cid).toV1().toString() // recorded as given: one entry per content, whatever its version
      const copies = byCid.get(cid) ?? []
      copies.push({ backend: ref.backend, state: ref.state, size: ref.size, ...(ref.verifiedAt === undefined ? {} : { verifiedAt: ref.verifiedAt }) })
      byCid.set(cid, copies)
    }
    const cids = [...byCid.keys()].filter(cid => input.backend === undefined || byCid.get(cid)?.some(c => c.backend === input.backend)).sort()
    return {
      items: cids.slice(0, limit).map(cid => ({ cid, copies: (byCid.get(cid) ?? []).sort((a, b) => a.backend.localeCompare(b.backend)) })),
      truncated: cids.length > limit
    }
  }
})
