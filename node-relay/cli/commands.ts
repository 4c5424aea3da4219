import { EXIT } from './exit.ts'
import { addCommand } from './commands/add.ts'
import { catCommand } from './commands/cat.ts'
import { keyCommand } from './commands/key.ts'
import { shareCommand } from './commands/share.ts'
import { getCommand } from './commands/get.ts'
import { lsCommand } from './commands/ls.ts'
import { registerOperationCommands } from './operation-commands.ts'
import { searchCommand } from './commands/search.ts'
import { statCommand } from './commands/stat.ts'
import { migrateCommand } from './commands/migrate.ts'
import { keysCommand } from './commands/keys.ts'
import { auditCommand } from './commands/audit.ts'
import { repoCommand } from './commands/repo.ts'
import { jsonWanted } from './context.ts'
import type { Command } from 'commander'

/**
 * Usage errors (missing argument, bad option value) exit with {@link EXIT.invalid}, and with `--json` also print
 * the error as JSON on stdout; commander has already explained it on stderr. Help exits 0.
 */
function exitOnUsageError (command: Command): void {
  command.exitOverride((err) => {
    if (err.exitCode !== 0 && jsonWanted(command)) {
      process.stdout.write(JSON.stringify({ error: { code: err.code, message: err.message.replace(/^error: /, '') } }) + '\n')
    }
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.invalid)
  })
  for (const sub of command.commands) exitOnUsageError(sub)
}

/** Descriptions of the command groups the operation table creates (`ipfs-kit pin …`). */
const GROUPS: Record<string, string> = {
  pin: 'manage pins: what the relay keeps',
  cluster: 'the replicated pinset: peers, pins with replication factors, status per peer',
  backend: 'one storage backend',
  storage: 'place content on storage backends and read it back verified',
  car: 'move DAGs in and out as CAR files',
  block: 'raw blocks, verified against their CIDs',
  dag: 'IPLD nodes as JSON',
  migrate: 'move content between backends by policy: plan, run, status, pause, resume, cancel (docs/MIGRATION.md)',
  policy: 'migration policies: what is copied, moved, evicted or expired',
  model: 'the model registry: register versions, move aliases such as production, trace lineage (docs/REGISTRY.md)',
  dataset: 'the dataset registry: versions with splits, schema and row counts, previews'
}

/**
 * Register the commands that talk to a running relay: the hand-written ones that read or write local trees (`add`
 * with Kubo's flags, `get`), encrypt or decrypt on this machine (`add --encrypt`, `cat --decrypt`, `key`, `share`) or present several operations together (`ls`, `stat`, `search`, `keys`, `audit`, `repo`,
 * `migrate run` following its jobs),
 * then every operation of the table that has a CLI binding (node-relay/operations).
 */
export function registerClientCommands (program: Command): void {
  const commands = [addCommand(), catCommand(), getCommand(), keyCommand(), shareCommand(), lsCommand(), statCommand(), searchCommand(), keysCommand(), auditCommand(), repoCommand(), migrateCommand(GROUPS.migrate ?? 'migrate')]
  for (const command of commands) program.addCommand(command)
  const created = registerOperationCommands(program, GROUPS)
  for (const command of [...commands, ...created]) exitOnUsageError(command)
}
