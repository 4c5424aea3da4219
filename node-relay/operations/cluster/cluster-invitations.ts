import { z } from 'zod'
import { invitationsOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { invitationInfo } from './invitation-shape.ts'

const output = z.object({ invitations: z.array(invitationInfo).describe('newest first') })

/** `cluster_invitations`: every invitation issued, without tokens. */
export const clusterInvitations = defineOperation({
  name: 'cluster_invitations',
  title: 'List cluster invitations',
  description: 'Every invitation issued for browser tabs, with its uses, expiry and whether it was revoked; never the tokens.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['invitations'],
  rest: { method: 'GET', path: '/api/v1/cluster/invitations', tag: 'cluster' },
  cli: {
    command: ['cluster', 'invitations'],
    lines: (out: z.infer<typeof output>) => out.invitations.map(i => `${i.id}  ${i.uses}/${i.maxUses} used  expires ${i.expires}${i.revoked === undefined ? '' : '  REVOKED'}${i.name === '' ? '' : `  ${i.name}`}`)
  },
  async run (components) {
    return { invitations: await invitationsOf(components).list() }
  }
})
