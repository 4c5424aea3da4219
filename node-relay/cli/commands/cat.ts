import { Command } from 'commander'
import { contextOf } from '../context.ts'
import { copyBody } from '../download.ts'
import { nonNegativeInt } from '../options.ts'
import { parseTarget, targetUrl } from '../target.ts'

/** Options of `ipfs-kit cat`. */
interface CatFlags {
  offset?: number
  length?: number
}

function isBrokenPipe (err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'EPIPE'
}

/**
 * `ipfs-kit cat <cid[/path]>`: stream a file's bytes to stdout, binary-safe. `--json` changes only how errors are
 * reported; the output is the file itself. A reader that goes away (`| head`) ends the command quietly.
 */
export function catCommand (): Command {
  return new Command('cat')
    .description('write a file\'s bytes to stdout')
    .argument('<cid[/path]>', 'CID of a file, or of a directory followed by a path')
    .option('--offset <bytes>', 'first byte to read', nonNegativeInt)
    .option('--length <bytes>', 'number of bytes to read', nonNegativeInt)
    .action(async (target: string, flags: CatFlags, command: Command) => {
      const { client } = contextOf(command)
      const response = await client.request(targetUrl('/api/v1/cat', parseTarget(target)), {
        query: { offset: flags.offset, length: flags.length }
      })
      const onError = (): void => { /* EPIPE is handled below, as a rejected write */ }
      process.stdout.on('error', onError)
      try {
        await copyBody(response, process.stdout)
      } catch (err) {
        if (!isBrokenPipe(err)) throw err
        await response.body?.cancel().catch(() => undefined)
      } finally {
        process.stdout.off('error', onError)
      }
    })
}
