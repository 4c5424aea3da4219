import { z } from 'zod'

/** An invitation as listed: never its token. */
export const invitationInfo = z.object({
  id: z.string().describe('the invitation\'s id'),
  name: z.string().describe('who or what it is for'),
  created: z.string().describe('ISO 8601'),
  expires: z.string().describe('ISO 8601'),
  maxUses: z.number().int().describe('redemptions allowed'),
  uses: z.number().int().describe('redemptions made'),
  revoked: z.string().optional().describe('ISO 8601, once revoked')
})
