import { z } from 'zod'
import { invitationsOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { invitationInfo } from './invitation-shape.ts'

/** `cluster_uninvite`: revoke an invitation. */
export const clusterUninvite = defineOperation({
  name: 'cluster_uninvite',
  title: 'Revoke a cluster invitation',
  description: 'Revoke an invitation by its id: it cannot be redeemed any more (tabs that already joined stay; rotate the cluster secret to remove them). ERR_NOT_FOUND for an unknown id.',
  input: z.object({ id: z.string().min(1).max(64).describe('the invitation\'s id (cluster_invitations lists them)') }),
  output: invitationInfo,
  annotations: { readOnly: false, destructive: true, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['invitations'],
  rest: { method: 'DELETE', path: '/api/v1/cluster/invitations/:id', tag: 'cluster' },
  cli: { command: ['cluster', 'uninvite'], args: ['id'], lines: (i: z.infer<typeof invitationInfo>) => [`revoked invitation ${i.id}`] },
  async run (components, input) {
    return await invitationsOf(components).revoke(input.id)
  }
})
