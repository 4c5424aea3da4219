import { z } from 'zod'
import type { BackendReport } from '../../../core/storage/index.ts'

/** `{ code, message }` of a failure inside a successful answer (a backend down, a placement that failed). */
export const errorInfo = z.object({ code: z.string().describe('stable error code, e.g. ERR_BACKEND_UNAVAILABLE'), message: z.string().describe('what went wrong') })

/** A backend's description, health and cost, as every surface shows it. */
export const backendReport = z.object({
  name: z.string().describe('backend instance name, used in storage_put `to` and storage_fetch `from`'),
  kind: z.string().describe('local, ipfs, s3, gateway, huggingface or storacha'),
  layout: z.string().describe('car: one CAR object per DAG; blocks: one entry per block'),
  capabilities: z.object({
    read: z.boolean().describe('can read content'),
    write: z.boolean().describe('can store content (false for gateways)'),
    delete: z.boolean().describe('can delete content'),
    list: z.boolean().describe('can list what it holds'),
    streaming: z.boolean().describe('streams blocks while downloading')
  }).describe('what the backend can do'),
  cost: z.object({
    storageUsdPerGbMonth: z.number().describe('storage price, USD per GB-month'),
    egressUsdPerGb: z.number().describe('egress price, USD per GB read'),
    latencyMs: z.number().describe('typical time to first byte, ms'),
    requestUsdPer1000: z.number().optional().describe('price of 1,000 write requests, USD, where the service charges per request')
  }).describe('cost and latency profile used for placement and read order'),
  status: z.object({
    healthy: z.boolean().describe('the backend answered a probe just now'),
    latencyMs: z.number().describe('how long the probe took, ms'),
    checkedAt: z.string().describe('when the probe ran (ISO 8601)'),
    error: errorInfo.optional().describe('why it is unhealthy'),
    usage: z.object({ objects: z.number().optional(), bytes: z.number().optional() }).optional().describe('what it holds, when it can tell cheaply'),
    endpoints: z.array(z.object({
      url: z.string().describe('endpoint base URL'),
      healthy: z.boolean().describe('answered the probe'),
      latencyMs: z.number().optional().describe('measured latency, ms'),
      markedUntil: z.string().optional().describe('tried last until then: it served corrupt bytes'),
      error: errorInfo.optional().describe('its last failure')
    })).optional().describe('per-endpoint health for backends with several (gateways)')
  }).describe('result of the probe')
})

/** A report as JSON (copies, so nothing of the manager's state leaks by reference). */
export function reportJson (report: BackendReport): z.infer<typeof backendReport> {
  return { ...report, capabilities: { ...report.capabilities }, cost: { ...report.cost }, status: { ...report.status } }
}

/** A backend as one CLI line. */
export function backendLine (b: z.infer<typeof backendReport>): string {
  return [
    b.name.padEnd(12), b.kind.padEnd(12),
    b.status.healthy ? `healthy ${b.status.latencyMs} ms` : `DOWN ${b.status.error?.code ?? ''}`,
    b.capabilities.write ? 'read/write' : 'read-only',
    `$${b.cost.storageUsdPerGbMonth}/GB-month, $${b.cost.egressUsdPerGb}/GB egress`
  ].join('  ')
}
