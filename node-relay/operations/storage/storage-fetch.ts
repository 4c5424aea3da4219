import { z } from 'zod'
import { storageOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  cid: z.string().describe('the root CID'),
  servedBy: z.string().describe('the backend that delivered the whole DAG'),
  blocks: z.number().describe('blocks read and verified'),
  bytes: z.number().describe('bytes of those blocks')
})

/** `storage_fetch`: bring a DAG back from the backends into the local store. */
export const storageFetch = defineOperation({
  name: 'storage_fetch',
  title: 'Fetch content from backends',
  description: 'Read the DAG under a CID from the best backend (local first, then copies by latency and cost, then gateways) or from `from`, verifying every block against its CID, and keep it locally so cat and ls can read it. A copy that fails verification is skipped and marked. ERR_NOT_FOUND when no backend has it; ERR_BLOCK_CORRUPT when the only copies found were corrupt. To stream a CAR instead, GET /api/v1/storage/{cid}.',
  input: z.object({
    cid: cidField('root CID to fetch'),
    from: z.string().min(1).max(64).optional().describe('read only from this backend (no fallback)')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  scope: 'storage:*:read',
  requires: ['storage'],
  rest: { method: 'POST', path: '/api/v1/storage/:cid/fetch', tag: 'storage' },
  cli: { command: ['storage', 'fetch'], args: ['cid'], lines: (out: z.infer<typeof output>) => [`fetched ${out.cid} from ${out.servedBy}: ${out.blocks} blocks, ${out.bytes} B, every one verified`] },
  async run (components, input, { signal, demand }) {
    demand(`storage:${input.from ?? '*'}:read`)
    const cid = cidOf(input.cid)
    const content = components.service.content
    let servedBy = ''
    let blocks = 0
    let bytes = 0
    const options = { signal, onServed: (name: string) => { servedBy = name }, ...(input.from === undefined ? {} : { from: input.from }) }
    for await (const block of storageOf(components).get(cid, options)) {
      if (!await content.hasBlock(block.cid, { signal })) await content.putBlock(block.cid, block.bytes, { signal })
      blocks++
      bytes += block.bytes.byteLength
    }
    return { cid: cid.toString(), servedBy, blocks, bytes }
  }
})
