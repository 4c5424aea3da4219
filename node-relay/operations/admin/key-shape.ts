import { z } from 'zod'

/** An API key as listed: never its secret. */
export const keyInfo = z.object({
  id: z.string().describe('the key\'s id (the part before the secret)'),
  name: z.string().describe('who or what it is for'),
  role: z.string().optional().describe('built-in role, when made from one'),
  scopes: z.array(z.string()).describe('what it may do'),
  created: z.string().describe('ISO 8601'),
  lastUsed: z.string().optional().describe('ISO 8601'),
  expires: z.string().optional().describe('ISO 8601'),
  revoked: z.string().optional().describe('ISO 8601, once revoked'),
  quotaBytes: z.number().optional().describe('most bytes it may add'),
  storedBytes: z.number().optional().describe('bytes it added'),
  requestsPerMinute: z.number().optional().describe('its own rate limit')
})
