import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { jobJson, jobLine, jobOutput, migrationOf } from './shapes.ts'

const queueOutput = z.object({ paused: z.boolean().describe('whether the whole queue is paused now'), job: jobOutput.optional().describe('the job, when one was named') })
const queueLines = (out: z.infer<typeof queueOutput>): string[] => out.job !== undefined ? [jobLine(out.job)] : [`queue ${out.paused ? 'paused' : 'running'}`]
const idInput = z.object({ id: z.string().optional().describe('one job (default: the whole queue)') })

/** `migration_pause`: pause one job or the whole queue. */
export const migrationPause = defineOperation({
  name: 'migration_pause',
  title: 'Pause migrations',
  description: 'Pause one migration job, or the whole queue (no job starts; running ones stop and wait). Verified copies already recorded stay; a paused job continues from its last finished target when resumed. The pause survives a restart.',
  input: idInput,
  output: queueOutput,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
  scope: 'storage:*:write',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/migrations/pause', tag: 'migration' },
  cli: { command: ['migrate', 'pause'], args: ['id'], lines: queueLines },
  async run (components, input) {
    const controller = migrationOf(components).controller
    await controller.pause(input.id)
    return { paused: controller.isPaused, ...(input.id === undefined ? {} : { job: jobJson(controller.get(input.id)) }) }
  }
})

/** `migration_resume`: resume one job (paused or failed) or the whole queue. */
export const migrationResume = defineOperation({
  name: 'migration_resume',
  title: 'Resume migrations',
  description: 'Resume one paused or failed migration job (it runs again from its last finished target, attempts reset), or the whole queue.',
  input: idInput,
  output: queueOutput,
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
  scope: 'storage:*:write',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/migrations/resume', tag: 'migration' },
  cli: { command: ['migrate', 'resume'], args: ['id'], lines: queueLines },
  async run (components, input) {
    const controller = migrationOf(components).controller
    await controller.resume(input.id)
    return { paused: controller.isPaused, ...(input.id === undefined ? {} : { job: jobJson(controller.get(input.id)) }) }
  }
})

/** `migration_cancel`: cancel one unfinished job. */
export const migrationCancel = defineOperation({
  name: 'migration_cancel',
  title: 'Cancel a migration job',
  description: 'Cancel a migration job that has not finished. Copies it already verified and recorded stay (they are valid copies); the source is kept unless the job already removed it.',
  input: z.object({ id: z.string().min(1).describe('job id') }),
  output: z.object({ job: jobOutput }),
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'storage:*:write',
  requires: ['migration'],
  rest: { method: 'POST', path: '/api/v1/migrations/:id/cancel', tag: 'migration' },
  cli: { command: ['migrate', 'cancel'], args: ['id'], lines: (out: { job: z.infer<typeof jobOutput> }) => [jobLine(out.job)] },
  async run (components, input) {
    return { job: jobJson(await migrationOf(components).controller.cancel(input.id)) }
  }
})
