import { z } from 'zod'
import { storageOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  cid: z.string().describe('the root CID'),
  references: z.array(z.object({
    cid: z.string().describe('root CID'),
    backend: z.string().describe('backend name'),
    locator: z.string().describe('backend-specific address'),
    size: z.number().describe('bytes the backend holds for it'),
    state: z.enum(['ok', 'corrupt', 'missing']).describe('ok, or marked by a failed read'),
    storedAt: z.string().describe('when it was placed (ISO 8601)'),
    verifiedAt: z.string().optional().describe('when a read last verified every block'),
    markedAt: z.string().optional().describe('when it was marked corrupt or missing'),
    reason: z.string().optional().describe('why it was marked'),
    encryption: z.object({
      keyId: z.string().describe('the relay at-rest key it is encrypted to (its age1… public key)'),
      ciphertext: z.string().describe('root CID of the ciphertext on the backend')
    }).optional().describe('set when the backend holds this copy encrypted at rest (encryptAtRest)')
  })).describe('one entry per recorded copy')
})

/** `storage_refs`: where the copies of a DAG live. */
export const storageRefs = defineOperation({
  name: 'storage_refs',
  title: 'Where copies live',
  description: 'Where the copies of a DAG live: backend, locator, size, state (ok, corrupt, missing) and when a read last verified it.',
  input: z.object({ cid: cidField('root CID') }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/storage/:cid/references', tag: 'storage' },
  cli: {
    command: ['storage', 'refs'],
    args: ['cid'],
    lines: (out: z.infer<typeof output>) => out.references.map(r => `${r.backend.padEnd(12)}  ${r.state.padEnd(7)}  ${r.locator}  ${r.size} B  verified ${r.verifiedAt ?? 'never'}${r.encryption === undefined ? '' : `  encrypted at rest to ${r.encryption.keyId}`}`)
  },
  async run (components, input, { signal }) {
    const cid = cidOf(input.cid)
    return { cid: cid.toString(), references: await storageOf(components).references(cid, { signal }) }
  }
})
