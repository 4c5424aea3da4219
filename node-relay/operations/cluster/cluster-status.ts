import { z } from 'zod'
import { NotFoundError } from '../../../core/errors/index.ts'
import { clusterOf } from '../components.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { cidStatusShape, statusLines } from './shapes.ts'

/** `cluster_status`: one CID across the cluster. */
export const clusterStatus = defineOperation({
  name: 'cluster_status',
  title: 'Cluster pin status',
  description: 'Status of one CID across all cluster peers: the pin, each peer\'s state and the replication health. ERR_NOT_FOUND when the cluster never pinned it.',
  input: z.object({ cid: cidField('a CID in the cluster pinset') }),
  output: cidStatusShape,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['cluster'],
  rest: { method: 'GET', path: '/api/v1/cluster/pins/:cid', tag: 'cluster' },
  cli: { command: ['cluster', 'status'], args: ['cid'], lines: statusLines },
  aliases: ['status'],
  async run (components, input) {
    const status = clusterOf(components).status(cidOf(input.cid))
    if (status.pin === undefined && Object.keys(status.peers).length === 0) throw new NotFoundError(`${status.cid} is not in the cluster pinset`)
    return status
  }
})
