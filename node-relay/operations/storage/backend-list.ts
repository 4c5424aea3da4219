import { z } from 'zod'
import { storageOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { backendLine, backendReport, reportJson } from './shapes.ts'

const output = z.object({ backends: z.array(backendReport).describe('every configured backend, local first') })

/** `backend_list`: every backend with a fresh health probe. */
export const backendList = defineOperation({
  name: 'backend_list',
  title: 'List storage backends',
  description: 'The storage backends this node can place content on or read it from (local disk, the IPFS network, S3, Hugging Face, Storacha, trustless gateways), with what each can do, what it costs and a fresh health probe (bounded by storage.statusTimeoutMs).',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/backends', tag: 'storage' },
  cli: { command: ['backends'], lines: (out: z.infer<typeof output>) => out.backends.map(backendLine), failed: (out: z.infer<typeof output>) => out.backends.some(b => !b.status.healthy) },
  async run (components, _input, { signal }) {
    return { backends: (await storageOf(components).status({ signal })).map(reportJson) }
  }
})
