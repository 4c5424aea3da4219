import { Command } from 'commander'
import { contextOf, printResult } from '../context.ts'
import { EXIT } from '../exit.ts'
import type { RepoReport } from '../../repo/verify.ts'

function lines (report: RepoReport, repair: boolean): string[] {
  const out = [
    `${report.ok ? 'ok' : 'problems found'}: ${report.blocks} blocks and ${report.pins} pins checked`,
    ...report.tornPins.map(t => `torn pin record ${t.key} (${t.reason})${t.removed ? ': removed' : ''}`),
    ...report.corruptBlocks.map(c => `corrupt block ${c.cid}${c.quarantined ? ': quarantined' : ''}`),
    ...report.missingBlocks.map(m => `missing block ${m.cid} of pin ${m.pin}`)
  ]
  if (!repair && (report.tornPins.length > 0 || report.corruptBlocks.length > 0)) out.push('run again with --repair to remove torn records and quarantine corrupt blocks')
  if (report.missingBlocks.length > 0) out.push('missing blocks come back when the relay runs and the pin is added again (ipfs-kit pin add <root>), from peers or backends')
  return out
}

/** `ipfs-kit repo verify [--repair]`: check (and repair) a stopped relay's data directory. */
export function repoCommand (): Command {
  const repo = new Command('repo').description('check and repair the relay\'s data directory')
  repo.command('verify')
    .description('check every pin record and stored block, and that pinned DAGs are complete; the relay must be stopped')
    .option('-d, --data-dir <dir>', 'data directory (default $IPFS_KIT_DATA_DIR or ./.ipfs-kit)', process.env.IPFS_KIT_DATA_DIR ?? './.ipfs-kit')
    .option('--repair', 'remove torn pin records and quarantine corrupt blocks', false)
    .action(async (flags: { dataDir: string, repair: boolean }, command: Command) => {
      const context = contextOf(command)
      const { verifyRepo } = await import('../../repo/verify.ts')
      const report = await verifyRepo(flags.dataDir, { repair: flags.repair })
      printResult(context, report, () => lines(report, flags.repair))
      if (!report.ok) process.exitCode = EXIT.corrupt
    })
  return repo
}
