/**
 * The `cost` setting every backend entry accepts: overrides of the backend's default cost and latency profile, used
 * for placement, read order and the migration planner's estimates.
 */
import { z } from 'zod'

/** Optional overrides of a backend's cost and latency profile. */
export const costOverrideSchema = z.object({
  storageUsdPerGbMonth: z.number().min(0).optional(),
  egressUsdPerGb: z.number().min(0).optional(),
  latencyMs: z.number().min(0).optional(),
  requestUsdPer1000: z.number().min(0).optional()
}).strict().optional().describe('override the default cost profile')

/** The cost fields that are set (zod leaves the others `undefined`, which would replace defaults). */
export function definedCost (cost: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(cost).filter((kv): kv is [string, number] => kv[1] !== undefined))
}
