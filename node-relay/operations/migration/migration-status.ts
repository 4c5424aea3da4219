import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { jobJson, jobLine, jobOutput, migrationOf } from './shapes.ts'

const STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const

const output = z.object({
  paused: z.boolean().describe('true while the whole queue is paused'),
  counts: z.record(z.enum(STATES), z.number()).describe('jobs by state'),
  jobs: z.array(jobOutput).describe('jobs in run order (priority, then age)'),
  totals: z.object({ bytesCopied: z.number(), verifyFailures: z.number(), jobsDone: z.number(), jobsFailed: z.number() }).describe('since the relay started')
})

/** `migration_status`: the job queue. */
export const migrationStatus = defineOperation({
  name: 'migration_status',
  title: 'Migration jobs',
  description: 'The migration job queue: every job with its state (queued, running, paused, done, failed, cancelled), step, progress and last error; counts by state; whether the queue is paused. `id` shows one job; `state` filters.',
  input: z.object({
    id: z.string().optional().describe('only this job'),
    state: z.enum(STATES).optional().describe('only jobs in this state')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'storage:*:read',
  requires: ['migration'],
  rest: { method: 'GET', path: '/api/v1/migrations', tag: 'migration' },
  cli: {
    command: ['migrate', 'status'],
    args: ['id'],
    lines: (out: z.infer<typeof output>) => [
      `${out.paused ? 'paused' : 'running'}: ${STATES.map(s => `${out.counts[s]} ${s}`).join(', ')}`,
      ...out.jobs.map(jobLine)
    ],
    failed: (out: z.infer<typeof output>) => out.jobs.some(j => j.state === 'failed')
  },
  async run (components, input) {
    const controller = migrationOf(components).controller
    const jobs = input.id !== undefined ? [controller.get(input.id)] : controller.list().filter(j => input.state === undefined || j.state === input.state)
    return { paused: controller.isPaused, counts: controller.counts(), jobs: jobs.map(jobJson), totals: { ...controller.totals } }
  }
})
