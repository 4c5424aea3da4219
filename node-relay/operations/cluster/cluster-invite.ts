import { z } from 'zod'
import { clusterOf, invitationsOf } from '../components.ts'
import { nameField } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { invitationInfo } from './invitation-shape.ts'

const output = z.object({
  token: z.string().describe('the invitation: shown this once; a tab redeems it with cluster_join (the app takes it as #join=<token>)'),
  cluster: z.string().describe('the cluster it lets a tab join'),
  info: invitationInfo.describe('the invitation as listed')
})

/** `cluster_invite`: a signed, expiring invitation for a browser tab to join the cluster. */
export const clusterInvite = defineOperation({
  name: 'cluster_invite',
  title: 'Invite a browser to the cluster',
  description: 'Issue a signed, expiring, revocable invitation for browser tabs to join this relay\'s cluster: the tab redeems it (cluster_join, or the app\'s #join=<token> link) instead of a person typing the cluster\'s shared secret.',
  input: z.object({
    name: nameField('who or what the invitation is for').optional(),
    ttlSeconds: z.number().int().min(60).max(90 * 24 * 3600).optional().describe('seconds until it expires (default 7 days)'),
    maxUses: z.number().int().min(1).max(10_000).optional().describe('tabs that may redeem it (default 1)')
  }),
  output,
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'admin',
  requires: ['cluster', 'invitations'],
  rest: { method: 'POST', path: '/api/v1/cluster/invitations', status: 201, tag: 'cluster' },
  cli: {
    command: ['cluster', 'invite'],
    lines: (out: z.infer<typeof output>) => [out.token, `(for ${out.cluster}; ${out.info.maxUses} use${out.info.maxUses === 1 ? '' : 's'}, expires ${out.info.expires}; open the app with #join=<token>)`]
  },
  async run (components, input) {
    const cluster = clusterOf(components)
    const issued = await invitationsOf(components).issue({ ttlMs: (input.ttlSeconds ?? 7 * 24 * 3600) * 1000, maxUses: input.maxUses ?? 1, ...(input.name === undefined ? {} : { name: input.name }) })
    return { token: issued.token, cluster: cluster.name, info: issued.info }
  }
})
