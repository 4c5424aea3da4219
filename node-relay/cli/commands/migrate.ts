import { Command } from 'commander'
import { z } from 'zod'
import { jobLine, jobOutput, planLines, planOutput } from '../../operations/migration/shapes.ts'
import { contextOf, printResult } from '../context.ts'
import { ProgressBar, progressWanted } from '../progress.ts'

const startOutput = z.object({ plan: planOutput, jobs: z.array(jobOutput) })
const statusOutput = z.object({ jobs: z.array(jobOutput) })
type JobJson = z.infer<typeof jobOutput>

const FINISHED = new Set(['done', 'failed', 'cancelled'])
const list = (text: string | undefined): string[] | undefined => text === undefined ? undefined : text.split(',').map(s => s.trim()).filter(s => s !== '')

/** Bytes the jobs have moved: finished ones whole, running ones as far as their read-back got. */
function movedBytes (jobs: readonly JobJson[]): number {
  return jobs.reduce((sum, job) => sum + (job.state === 'done' ? job.bytes : job.state === 'running' ? Math.min(job.bytes, job.progress.bytes) : 0), 0)
}

/**
 * `ipfs-kit migrate` with its hand-written `run`: plan by the policies, queue the jobs (`migration_start`), then
 * follow them until they finish with a progress bar (bytes moved and verified) on a terminal, and exit 1 when a job
 * failed. `--detach` returns once they are queued; `--dry-run` shows the plan. The other `migrate` commands (plan,
 * status, pause, resume, cancel) are the operations' own, added to this group.
 */
export function migrateCommand (description: string): Command {
  const migrate = new Command('migrate').description(description)
  migrate.addCommand(new Command('run')
    .description('plan by the migration policies and run the jobs, following them until they finish')
    .option('--dry-run', 'show the plan, queue nothing', false)
    .option('--policies <names>', 'only these policies (comma-separated)')
    .option('--cids <cids>', 'only these CIDs (comma-separated)')
    .option('--detach', 'queue the jobs and return without waiting for them', false)
    .option('-q, --quiet', 'no progress bar', false)
    .option('--poll <ms>', 'how often to ask the relay how the jobs are doing', '500')
    .action(async (flags: { dryRun: boolean, policies?: string, cids?: string, detach: boolean, quiet: boolean, poll: string }, command: Command) => {
      const context = contextOf(command)
      const started = await context.client.json('/api/v1/migrations', startOutput, {
        method: 'POST',
        body: { json: { dryRun: flags.dryRun, policies: list(flags.policies), cids: list(flags.cids) } }
      })
      if (flags.dryRun || flags.detach || started.jobs.length === 0) {
        printResult(context, started, () => [...planLines(started.plan), ...started.jobs.map(jobLine)])
        return
      }
      if (!context.json) for (const line of planLines(started.plan)) process.stdout.write(`${line}\n`)
      const ids = new Set(started.jobs.map(j => j.id))
      const total = started.jobs.reduce((sum, job) => sum + job.bytes, 0)
      const bar = progressWanted({ isTTY: process.stderr.isTTY, json: context.json, quiet: flags.quiet }) ? new ProgressBar({ total, output: process.stderr }) : undefined
      let shown = 0
      let jobs: JobJson[] = started.jobs
      const pollMs = Math.max(50, Number(flags.poll) || 500)
      while (!jobs.every(job => FINISHED.has(job.state))) {
        await new Promise(resolve => setTimeout(resolve, pollMs))
        jobs = (await context.client.json('/api/v1/migrations', statusOutput)).jobs.filter(job => ids.has(job.id))
        const moved = movedBytes(jobs)
        if (moved > shown) bar?.add(moved - shown)
        shown = Math.max(shown, moved)
      }
      bar?.finish()
      printResult(context, { plan: started.plan, jobs }, () => jobs.map(jobLine))
      if (jobs.some(job => job.state === 'failed')) process.exitCode = 1
    }))
  return migrate
}
