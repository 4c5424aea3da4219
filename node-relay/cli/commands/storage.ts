import { Command } from 'commander'
import { contextOf, printResult } from '../context.ts'
import { copyBody, saveBody } from '../download.ts'
import { formatBytes } from '../progress.ts'

function storageGetCommand (): Command {
  return new Command('get')
    .description('read a DAG from the best (or a named) backend as a verified CAR (to stdout unless -o)')
    .argument('<cid>', 'root CID')
    .option('--from <name>', 'read only from this backend')
    .option('-o, --output <file>', 'write the CAR to this file')
    .action(async (cid: string, flags: { from?: string, output?: string }, command: Command) => {
      const context = contextOf(command)
      const response = await context.client.request(`/api/v1/storage/${encodeURIComponent(cid)}`, { query: { from: flags.from } })
      if (flags.output === undefined) {
        await copyBody(response, process.stdout)
        return
      }
      const bytes = await saveBody(response, flags.output)
      printResult(context, { cid, path: flags.output, bytes }, () => [`saved ${cid} to ${flags.output ?? ''} (${formatBytes(bytes)})`])
    })
}

/** `ipfs-kit storage get` (streams a CAR; `storage put|fetch|refs` come from the operation table). */
export function storageCommand (): Command {
  return new Command('storage')
    .description('place content on storage backends and read it back verified')
    .addCommand(storageGetCommand())
}
