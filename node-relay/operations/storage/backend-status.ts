import { z } from 'zod'
import { storageOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { backendLine, backendReport, reportJson } from './shapes.ts'

/** `backend_status`: probe one backend now. */
export const backendStatus = defineOperation({
  name: 'backend_status',
  title: 'Check a storage backend',
  description: 'Probe one backend now: healthy or not, measured latency, the error code when down (ERR_BACKEND_UNAVAILABLE), and per-gateway health. ERR_NOT_FOUND for an unknown name.',
  input: z.object({ name: z.string().min(1).max(64).describe('the backend to probe (see backend_list)') }),
  output: backendReport,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/backends/:name', tag: 'storage' },
  cli: { command: ['backend', 'status'], args: ['name'], lines: (b: z.infer<typeof backendReport>) => [backendLine(b)], failed: (b: z.infer<typeof backendReport>) => !b.status.healthy },
  async run (components, input, { signal }) {
    const storage = storageOf(components)
    return reportJson(await storage.report(storage.backend(input.name), { signal }))
  }
})
