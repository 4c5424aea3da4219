import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { HEALTHY_STATES } from '../../storage/filecoin/copies.ts'
import { copyShape, rootsInput } from './shapes.ts'

const root = z.object({
  root: z.string().describe('root CID'),
  pieceCid: z.string().describe('PieceCID of its CAR'),
  size: z.number().describe('CAR bytes'),
  storedAt: z.string().describe('when it was stored (ISO 8601)'),
  healthy: z.number().describe('copies in a healthy state (stored, added, proving, proven)'),
  wanted: z.number().describe('copies the backend keeps'),
  copies: z.array(copyShape).describe('every copy, healthy or not')
})

const output = z.object({
  backend: z.string().describe('the filecoin backend asked'),
  roots: z.array(root).describe('one entry per stored root (or the one asked for)')
})

type Output = z.infer<typeof output>

/** `filecoin_copies`: each root's copies and their proof states. */
export const filecoinCopies = defineOperation({
  name: 'filecoin_copies',
  title: 'Filecoin copies',
  description: 'Each stored root\'s copies on Filecoin: provider, data set, piece, state (added, proving, proven, faulted, terminated, removed, corrupt), last proven and next challenge epochs. With check, reads the PDP verifier first and updates the states; ERR_NOT_FOUND for a CID the backend does not hold.',
  input: rootsInput.extend({
    check: z.boolean().optional().describe('read the PDP verifier now and update the states first')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  scope: 'storage:*:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/filecoin/copies', tag: 'storage' },
  cli: {
    command: ['filecoin', 'copies'],
    args: ['cid'],
    lines: (out: Output) => out.roots.flatMap(r => [
      `${r.root}  ${r.healthy}/${r.wanted} healthy  ${r.pieceCid}`,
      ...r.copies.map(c => `  provider ${c.providerId.padEnd(4)} data set ${c.dataSetId.padEnd(6)} ${c.state.padEnd(10)} ${c.lastProvenEpoch !== undefined ? `proven ${c.lastProvenEpoch}` : ''}${c.termEndEpoch !== undefined ? `  term ends ${c.termEndEpoch}` : ''}${c.reason !== undefined ? `  ${c.reason}` : ''}`)
    ])
  },
  async run (components, input, { signal, demand }) {
    const backend = filecoinBackendOf(components, input.backend)
    // loaded when used: the Synapse SDK is heavy for every CLI start
    const { checkCopies } = await import('../../storage/filecoin/tracking.ts')
    demand(`storage:${backend.name}:read`)
    const cid = input.cid === undefined ? undefined : cidOf(input.cid).toString()
    if (input.check === true) await checkCopies(backend, { signal })
    const records = cid === undefined ? await backend.records.all() : [await backend.records.get(cid)]
    if (records[0] === undefined && cid !== undefined) await backend.stat(cidOf(cid), { signal })
    return {
      backend: backend.name,
      roots: records.filter(r => r !== undefined).map(r => ({ ...r, healthy: r.copies.filter(c => HEALTHY_STATES.has(c.state)).length, wanted: backend.copies }))
    }
  }
})
