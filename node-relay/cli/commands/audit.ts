import { join } from 'node:path'
import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { nonNegativeInt } from '../options.ts'
import type { AuditLine } from '../../audit/entry.ts'
import type { AuditReport } from '../../audit/verify.ts'

const lineSchema = z.looseObject({ type: z.string(), seq: z.number(), at: z.string() })
const tailSchema = z.object({ entries: z.array(lineSchema) })
const reportSchema = z.looseObject({
  ok: z.boolean(),
  entries: z.number(),
  checkpoints: z.number(),
  signers: z.array(z.string()),
  problems: z.array(z.looseObject({ file: z.string(), line: z.number(), kind: z.string(), message: z.string() }))
})

function lineText (line: Record<string, unknown>): string {
  if (line.type === 'checkpoint') return `${String(line.seq)}  ${String(line.at)}  checkpoint signed by ${String(line.peerId)}`
  return [line.seq, line.at, line.actor, line.action, line.target ?? '', line.result, line.status ?? '', line.ip ?? '']
    .map(value => String(value)).filter(value => value !== '').join('  ')
}

/** `ipfs-kit audit ls|verify`: the relay's audit log, through the API (admin key) or read from `--data-dir`. */
export function auditCommand (): Command {
  const audit = new Command('audit').description('list and verify the audit log (docs/SECURITY.md)')
  const dirHelp = 'read the log in this data directory instead of asking the relay'

  audit.command('ls')
    .description('the last entries, oldest first')
    .option('-n, --limit <n>', 'how many', nonNegativeInt, 50)
    .option('-d, --data-dir <dir>', dirHelp)
    .action(async (flags: { limit: number, dataDir?: string }, command: Command) => {
      const context = contextOf(command)
      let entries: Array<Record<string, unknown>>
      if (flags.dataDir !== undefined) {
        const { readAuditTail } = await import('../../audit/audit-log.ts')
        const lines: AuditLine[] = await readAuditTail(join(flags.dataDir, 'audit'), flags.limit)
        entries = lines.map(line => ({ ...line }))
      } else {
        entries = (await context.client.json('/api/v1/audit', tailSchema, { query: { limit: flags.limit } })).entries
      }
      printResult(context, { entries }, () => entries.map(lineText))
    })

  audit.command('verify')
    .description('check the hash chain and the signed checkpoints; exits 5 when an entry was edited, removed or reordered')
    .option('-d, --data-dir <dir>', dirHelp)
    .action(async (flags: { dataDir?: string }, command: Command) => {
      const context = contextOf(command)
      let report: Pick<AuditReport, 'ok' | 'entries' | 'checkpoints' | 'signers'> & { problems: Array<{ file: string, line: number, kind: string, message: string }> }
      if (flags.dataDir !== undefined) {
        const { verifyAuditLog } = await import('../../audit/verify.ts')
        report = await verifyAuditLog(join(flags.dataDir, 'audit'))
      } else {
        report = await context.client.json('/api/v1/audit/verify', reportSchema)
      }
      printResult(context, report, () => [
        `${report.ok ? 'ok' : 'TAMPERED'}: ${report.entries} entries, ${report.checkpoints} signed checkpoints${report.signers.length > 0 ? ` (signed by ${report.signers.join(', ')})` : ''}`,
        ...report.problems.map(problem => `${problem.file}:${problem.line}  ${problem.kind}  ${problem.message}`)
      ])
      if (!report.ok) process.exitCode = 5
    })
  return audit
}
