import { EXIT } from './exit.ts'
import { addCommand } from './commands/add.ts'
import { carCommand } from './commands/car.ts'
import { catCommand } from './commands/cat.ts'
import { getCommand } from './commands/get.ts'
import { lsCommand } from './commands/ls.ts'
import { idCommand, peersCommand } from './commands/node.ts'
import { pinCommand } from './commands/pin.ts'
import { clusterCommand } from './commands/cluster.ts'
import { searchCommand } from './commands/search.ts'
import { backendsCommand, storageCommand } from './commands/storage.ts'
import { statCommand } from './commands/stat.ts'
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

/** Register the commands that talk to a running relay (add, cat, get, ls, stat, pin, car, id, peers). */
export function registerClientCommands (program: Command): void {
  for (const command of [addCommand(), catCommand(), getCommand(), lsCommand(), statCommand(), pinCommand(), clusterCommand(), searchCommand(), backendsCommand(), storageCommand(), carCommand(), idCommand(), peersCommand(), keysCommand(), auditCommand(), repoCommand()]) {
    exitOnUsageError(command)
    program.addCommand(command)
  }
}
