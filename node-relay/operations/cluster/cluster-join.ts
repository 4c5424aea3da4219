import { z } from 'zod'
import { clusterOf, invitationsOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const output = z.object({
  cluster: z.string().describe('the cluster\'s name'),
  secret: z.string().optional().describe('the cluster\'s shared secret, which lets the tab write the pinset (absent when the cluster has none)'),
  relayPeerId: z.string().describe('the relay that issued the invitation'),
  expires: z.string().describe('when the invitation expires (ISO 8601)')
})

/** `cluster_join`: redeem an invitation. */
export const clusterJoin = defineOperation({
  name: 'cluster_join',
  title: 'Redeem a cluster invitation',
  description: 'Redeem an invitation issued by cluster_invite: answers what a browser tab needs to join the cluster. ERR_UNAUTHORIZED for an invitation that is altered, expired, revoked or used up.',
  input: z.object({ invitation: z.string().min(1).max(512).describe('the invitation token') }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  // public: the invitation is the credential (a tab holds no API key yet)
  scope: 'public',
  requires: ['cluster', 'invitations'],
  rest: { method: 'POST', path: '/api/v1/cluster/join', tag: 'cluster' },
  async run (components, input) {
    const cluster = clusterOf(components)
    const used = await invitationsOf(components).redeem(input.invitation)
    return {
      cluster: cluster.name,
      ...(components.clusterSecret === undefined ? {} : { secret: components.clusterSecret }),
      relayPeerId: components.service.id().peerId,
      expires: used.expires
    }
  }
})
