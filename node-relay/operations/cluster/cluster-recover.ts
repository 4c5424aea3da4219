import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { cidStatusShape, statusLines } from './shapes.ts'

/** `cluster_recover`: retry a failed pin and re-allocate away from silent peers. */
export const clusterRecover = defineOperation({
  name: 'cluster_recover',
  title: 'Recover a cluster pin',
  description: 'Retry a pin in error and move its allocations off silent or failing peers (IPFS Cluster\'s recover). ERR_CLUSTER_READ_ONLY when this node may not write.',
  input: z.object({ cid: cidField('a CID in the cluster pinset') }),
  output: cidStatusShape,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
  scope: 'cluster:write',
  requires: ['cluster'],
  rest: { method: 'POST', path: '/api/v1/cluster/pins/:cid/recover', tag: 'cluster' },
  cli: { command: ['cluster', 'recover'], args: ['cid'], lines: statusLines },
  aliases: ['recover'],
  async run (components, input, { signal }) {
    return clusterOf(components).recover(cidOf(input.cid), { signal })
  }
})
