import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({ cid: z.string().describe('the CID unpinned'), removed: z.boolean().describe('always true on success') })

/** `cluster_unpin`: remove a CID from the pinset; every peer unpins it. */
export const clusterUnpin = defineOperation({
  name: 'cluster_unpin',
  title: 'Unpin from the cluster',
  description: 'Remove a pin from the cluster pinset: every peer that holds it unpins it. ERR_NOT_FOUND when it is not in the pinset; ERR_CLUSTER_READ_ONLY when this node may not write.',
  input: z.object({ cid: cidField('a CID in the cluster pinset') }),
  output,
  annotations: { readOnly: false, destructive: true, idempotent: true, openWorld: true },
  scope: 'cluster:write',
  requires: ['cluster'],
  rest: { method: 'DELETE', path: '/api/v1/cluster/pins/:cid', tag: 'cluster' },
  cli: { command: ['cluster', 'unpin'], args: ['cid'], lines: (out: z.infer<typeof output>) => [`unpinned ${out.cid} from the cluster`] },
  aliases: ['unpin', 'pins/rm'],
  async run (components, input, { signal }) {
    const cid = cidOf(input.cid)
    await clusterOf(components).unpin(cid, { signal })
    return { cid: cid.toString(), removed: true }
  }
})
